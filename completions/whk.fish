# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_whk_global_optspecs
    string join \n json color= q/quiet v/verbose config= h/help V/version
end

function __fish_whk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_whk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_whk_using_subcommand
    set -l cmd (__fish_whk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c whk -n "__fish_whk_needs_command" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_needs_command" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_needs_command" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_needs_command" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_needs_command" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_needs_command" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_needs_command" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_needs_command" -f -a "send" -d 'Build a sample delivery for EVENT (or send --data), sign it and POST it'
complete -c whk -n "__fish_whk_needs_command" -f -a "sign" -d 'Print the signature headers for a body, or a ready curl command'
complete -c whk -n "__fish_whk_needs_command" -f -a "verify" -d 'Verify signatures on captured requests, and explain every failure'
complete -c whk -n "__fish_whk_needs_command" -f -a "listen" -d 'Receive deliveries: verify, pretty-print, save, answer as told, forward'
complete -c whk -n "__fish_whk_needs_command" -f -a "replay" -d 'Resend captured deliveries, as they were or signed afresh'
complete -c whk -n "__fish_whk_needs_command" -f -a "inspect" -d 'Browse saved deliveries in a local web page: verdicts, diffs, replay'
complete -c whk -n "__fish_whk_needs_command" -f -a "demo" -d 'A listener and a sender in one process: every event, signed, sent, received, verified'
complete -c whk -n "__fish_whk_needs_command" -f -a "check" -d 'Audit a receiver: does it accept valid deliveries and reject forged ones?'
complete -c whk -n "__fish_whk_needs_command" -f -a "events" -d 'List event types, or print one sample payload'
complete -c whk -n "__fish_whk_needs_command" -f -a "secret" -d 'Print a fresh random secret in the form the scheme expects'
complete -c whk -n "__fish_whk_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c whk -n "__fish_whk_needs_command" -f -a "init" -d 'Write a commented starter whk.toml (never over an existing one)'
complete -c whk -n "__fish_whk_needs_command" -f -a "config" -d 'Show the settings a command would use and where each came from (flag, env, whk.toml, default)'
complete -c whk -n "__fish_whk_needs_command" -f -a "man" -d 'Write the man pages (whk.1, whk-COMMAND.1) into a directory'
complete -c whk -n "__fish_whk_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c whk -n "__fish_whk_using_subcommand send" -l url -d 'Endpoint to POST to' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l to -d 'A named endpoint of whk.toml ([endpoints.NAME]): its url, scheme and secret' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l data -d 'Send this body byte for byte instead of a sample: a file, @FILE, - for stdin, or inline JSON (any text with --raw)' -r
complete -c whk -n "__fish_whk_using_subcommand send" -s H -l header -d 'Extra request header, repeatable: --header \'X-Env: staging\'' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l timeout -d 'Time allowed for each attempt' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l retries -d 'Retries after a failed attempt (non-2xx, timeout, refused), at most 100' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l backoff -d 'Wait before the first retry, doubling for each next one' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l retry-schedule -d 'Retry on a provider\'s documented schedule instead of --backoff' -r -f -a "georedir\t'GeoRedir: {"event", "timestamp", "data"}'
relurl\t'RELURL: {"event", "event_id", "timestamp", "data"}'"
complete -c whk -n "__fish_whk_using_subcommand send" -l time-scale -d 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l expect-status -d 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l cacert -d 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)' -r -F
complete -c whk -n "__fish_whk_using_subcommand send" -l count -d 'Load mode: send N deliveries, each with fresh sample data and signature' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l duration -d 'Load mode: keep sending for this long' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l concurrency -d 'Load mode: connections, each with one delivery in flight [default: 10]' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l rate -d 'Load mode: at most this many deliveries per second (500, 500/s, 3000/m)' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l duplicates -d 'Load mode: re-send this share of deliveries byte for byte (same id, same signature), e.g. 0.05' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l profile -d 'Payload profile [default: relurl with --scheme relurl or a relurl-only event, else georedir]' -r -f -a "georedir\t'GeoRedir: {"event", "timestamp", "data"}'
relurl\t'RELURL: {"event", "event_id", "timestamp", "data"}'"
complete -c whk -n "__fish_whk_using_subcommand send" -l seed -d 'Seed for the sample data, so the same command builds the same payload' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l set -d 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand send" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand send" -l timestamp -d 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l id -d 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]' -r
complete -c whk -n "__fish_whk_using_subcommand send" -l scheme -d 'Signature scheme [default: the event\'s profile: relurl for RELURL events, else georedir; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand send" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand send" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand send" -l raw -d 'Allow a --data body that is not JSON (sent as is)'
complete -c whk -n "__fish_whk_using_subcommand send" -s k -l insecure -d 'Accept any certificate, even self-signed or expired (testing only)'
complete -c whk -n "__fish_whk_using_subcommand send" -l dry-run -d 'Print the request that would be sent, and send nothing'
complete -c whk -n "__fish_whk_using_subcommand send" -l out-of-order -d 'Load mode: one delivery in 10 is a related pair sent the wrong way round (a conversion before its click, link.updated before link.created)'
complete -c whk -n "__fish_whk_using_subcommand send" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand send" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand send" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand send" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand sign" -l url -d 'Endpoint for --curl' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand sign" -l scheme -d 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand sign" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand sign" -l timestamp -d 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l id -d 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand sign" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand sign" -l curl -d 'Print a complete curl command that sends the body with the signature headers'
complete -c whk -n "__fish_whk_using_subcommand sign" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand sign" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand sign" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand sign" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand verify" -l body -d 'Check this body instead, with its headers given by --header' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -s H -l header -d 'A header of the --body request, repeatable: --header \'X-GeoRedir-Signature: 3f…\'' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand verify" -l scheme -d 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand verify" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand verify" -l tolerance -d 'How far a signed timestamp may be from now, each way ("0" skips the check)' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -l now -d 'Check timestamps as of this time (unix seconds or RFC 3339), or "received" for the time each capture was received' -r
complete -c whk -n "__fish_whk_using_subcommand verify" -l schema-dir -d 'Your own schemas, one EVENT.json per event, used before whk\'s (implies --validate)' -r -F
complete -c whk -n "__fish_whk_using_subcommand verify" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand verify" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand verify" -l show-expected -d 'Also print the expected signature and the exact string that was signed'
complete -c whk -n "__fish_whk_using_subcommand verify" -l validate -d 'Check each payload against its event\'s JSON Schema (see `whk events EVENT --schema`) and show the fields that are missing, extra or of the wrong type'
complete -c whk -n "__fish_whk_using_subcommand verify" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand verify" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand verify" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand verify" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand listen" -s p -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l host -d 'Address to bind; 0.0.0.0 opens the listener to your network' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand listen" -l tolerance -d 'How far a signed timestamp may be from now, each way ("0" skips the check)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l status -d 'Status to answer; a list such as 500,500,200 is played in order, the last repeating' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l response-body -d 'Response body: text, or @FILE' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l delay -d 'Wait this long before answering' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l fail-first -d 'Answer the first N deliveries with 500, so a sender\'s retries can be tested' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l fail-rate -d 'Answer this share of deliveries (0.0–1.0) with 500, at random' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l seed -d 'Seed for --fail-rate, so the same deliveries fail on every run' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l events -d 'Show and save only these event types (others are still answered)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l save -d 'Save captures: a directory (one JSON file each) or FILE.jsonl (one line each)' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l forward-to -d 'Pass each delivery on to your app and answer with the app\'s response' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l forward-timeout -d 'Time allowed for the app to answer a forwarded delivery' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l cacert -d 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l count -d 'Exit after N deliveries' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l timeout -d 'Stop after this long; with --count, exit 1 when fewer arrived' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l max-body -d 'Largest body accepted; larger ones get 413 (e.g. 512KiB, 10MiB)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l read-timeout -d 'Time a client has to send a request\'s headers, and then its body; late ones get 408' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l max-header-bytes -d 'Largest request head (request line and headers); larger ones get 431' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l max-headers -d 'Most headers in one request; more get 431' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l max-connections -d 'Most connections open at once; more wait until one closes' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l cert -d 'Serve HTTPS with this certificate chain (PEM) instead of a generated one' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l key -d 'The private key (PEM) for --cert' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l tls-cert-out -d 'Where to write the generated certificate (PEM) for clients\' --cacert [default: a file in the temp directory]' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l exec -d 'Run this shell command for each delivery: the raw body on stdin; WHK_EVENT, WHK_ID, WHK_VERDICT (valid|invalid|unchecked), WHK_PATH, WHK_DUPLICATE and, with --save, WHK_CAPTURE (a directory\'s file is there already; a .jsonl gets its line afterwards)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l exec-concurrency -d 'Commands running at once; further deliveries wait for one to end' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l exec-timeout -d 'Kill a command that runs longer than this (its exit status is recorded as none)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l schema-dir -d 'Your own schemas, one EVENT.json per event, used before whk\'s (implies --validate)' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l ui-port -d 'Port for the inspector page, on 127.0.0.1 only (0 picks a free one; for listen, implies --ui) [default: 4040]' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l scheme -d 'Signature scheme to verify with [default: detected from each delivery\'s headers; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand listen" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand listen" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l headers -d 'Show each delivery\'s headers'
complete -c whk -n "__fish_whk_using_subcommand listen" -s k -l insecure -d 'Accept any certificate, even self-signed or expired (testing only)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l require-valid -d 'Exit 1 if any delivery had a missing or bad signature (needs --secret)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l reject-invalid -d 'Answer 401 (400 when the timestamp is stale) to a missing or bad signature, and do nothing else with it, as a correct receiver does (needs --secret)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l tls -d 'Serve HTTPS with a certificate generated now for localhost, 127.0.0.1 and ::1'
complete -c whk -n "__fish_whk_using_subcommand listen" -l exec-answers -d 'Answer as the command ended: exit 0 → 200, anything else → 500 (script a retry test)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l validate -d 'Check each payload against its event\'s JSON Schema (see `whk events EVENT --schema`) and show the fields that are missing, extra or of the wrong type'
complete -c whk -n "__fish_whk_using_subcommand listen" -l ui -d 'Serve the web inspector: deliveries appear in the browser as they arrive'
complete -c whk -n "__fish_whk_using_subcommand listen" -l open -d 'Open the inspector in the default browser (for listen, implies --ui)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand listen" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand listen" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand listen" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand replay" -l url -d 'Endpoint to send them to' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l to -d 'A named endpoint of whk.toml ([endpoints.NAME]): its url, scheme and secret' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand replay" -l scheme -d 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand replay" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand replay" -s H -l header -d 'Extra request header, repeatable: --header \'X-Replay: 1\'' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l concurrency -d 'Deliveries in flight at once' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l timeout -d 'Time allowed for each attempt' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l retries -d 'Retries after a failed attempt (non-2xx, timeout, refused), at most 100' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l backoff -d 'Wait before the first retry, doubling for each next one' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l retry-schedule -d 'Retry on a provider\'s documented schedule instead of --backoff' -r -f -a "georedir\t'GeoRedir: {"event", "timestamp", "data"}'
relurl\t'RELURL: {"event", "event_id", "timestamp", "data"}'"
complete -c whk -n "__fish_whk_using_subcommand replay" -l time-scale -d 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l expect-status -d 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l cacert -d 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)' -r -F
complete -c whk -n "__fish_whk_using_subcommand replay" -l schema-dir -d 'Your own schemas, one EVENT.json per event, used before whk\'s (implies --validate)' -r -F
complete -c whk -n "__fish_whk_using_subcommand replay" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand replay" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand replay" -l resign -d 'Sign each delivery afresh (a new timestamp for timestamped schemes) instead of sending the captured signature'
complete -c whk -n "__fish_whk_using_subcommand replay" -s k -l insecure -d 'Accept any certificate, even self-signed or expired (testing only)'
complete -c whk -n "__fish_whk_using_subcommand replay" -l validate -d 'Check each payload against its event\'s JSON Schema (see `whk events EVENT --schema`) and show the fields that are missing, extra or of the wrong type'
complete -c whk -n "__fish_whk_using_subcommand replay" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand replay" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand replay" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand replay" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand inspect" -l ui-port -d 'Port for the inspector page, on 127.0.0.1 only (0 picks a free one; for listen, implies --ui) [default: 4040]' -r
complete -c whk -n "__fish_whk_using_subcommand inspect" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand inspect" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand inspect" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand inspect" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand inspect" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand inspect" -l forward-to -d 'Where replays go unless you type a URL on the page (the delivery\'s path is added)' -r
complete -c whk -n "__fish_whk_using_subcommand inspect" -l cacert -d 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)' -r -F
complete -c whk -n "__fish_whk_using_subcommand inspect" -l scheme -d 'Signature scheme to verify and re-sign with [default: detected from each delivery\'s headers; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand inspect" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand inspect" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand inspect" -l open -d 'Open the inspector in the default browser (for listen, implies --ui)'
complete -c whk -n "__fish_whk_using_subcommand inspect" -s k -l insecure -d 'Accept any certificate, even self-signed or expired (testing only)'
complete -c whk -n "__fish_whk_using_subcommand inspect" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand inspect" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand inspect" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand demo" -l scheme -d 'Signature scheme to demonstrate' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand demo" -l profile -d 'Payload profile [default: relurl with --scheme relurl, else georedir]' -r -f -a "georedir\t'GeoRedir: {"event", "timestamp", "data"}'
relurl\t'RELURL: {"event", "event_id", "timestamp", "data"}'"
complete -c whk -n "__fish_whk_using_subcommand demo" -l seed -d 'Seed for the sample data' -r
complete -c whk -n "__fish_whk_using_subcommand demo" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand demo" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand demo" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand demo" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand demo" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand demo" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand check" -l secret -d 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid' -r
complete -c whk -n "__fish_whk_using_subcommand check" -l secret-file -d 'Read the secret from a file (keeps it out of `ps` and shell history)' -r -F
complete -c whk -n "__fish_whk_using_subcommand check" -l scheme -d 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand check" -l signature-header -d 'Header that carries the signature (custom scheme), e.g. X-Signature' -r
complete -c whk -n "__fish_whk_using_subcommand check" -l signature-prefix -d 'Text before the signature value (custom scheme), e.g. sha256=' -r
complete -c whk -n "__fish_whk_using_subcommand check" -l encoding -d 'Encoding of the signature value (custom scheme)' -r -f -a "hex\t''
base64\t''"
complete -c whk -n "__fish_whk_using_subcommand check" -l profile -d 'Payload profile [default: relurl with --scheme relurl, else georedir]' -r -f -a "georedir\t'GeoRedir: {"event", "timestamp", "data"}'
relurl\t'RELURL: {"event", "event_id", "timestamp", "data"}'"
complete -c whk -n "__fish_whk_using_subcommand check" -l timeout -d 'The provider\'s timeout: answers slower than half of it warn, slower than it fail' -r
complete -c whk -n "__fish_whk_using_subcommand check" -l only -d 'Run only these scenarios (see the list in `whk check --help`)' -r -f -a "valid\t'A valid signed delivery of each event is accepted'
tampered\t'A body changed after signing is rejected'
wrong-secret\t'A delivery signed with a wrong secret is rejected'
unsigned\t'A delivery without a signature header is rejected'
stale\t'A correctly signed delivery with an old timestamp is rejected'
reserialised\t'A valid delivery whose bytes change under JSON re-serialisation is accepted'
duplicate\t'The same delivery sent twice is acknowledged both times'
latency\t'Every answer comes within the provider\'s timeout'
https\t'The endpoint is served over HTTPS'
unknown-event\t'An unknown event type is acknowledged'"
complete -c whk -n "__fish_whk_using_subcommand check" -l skip -d 'Skip these scenarios' -r -f -a "valid\t'A valid signed delivery of each event is accepted'
tampered\t'A body changed after signing is rejected'
wrong-secret\t'A delivery signed with a wrong secret is rejected'
unsigned\t'A delivery without a signature header is rejected'
stale\t'A correctly signed delivery with an old timestamp is rejected'
reserialised\t'A valid delivery whose bytes change under JSON re-serialisation is accepted'
duplicate\t'The same delivery sent twice is acknowledged both times'
latency\t'Every answer comes within the provider\'s timeout'
https\t'The endpoint is served over HTTPS'
unknown-event\t'An unknown event type is acknowledged'"
complete -c whk -n "__fish_whk_using_subcommand check" -l seed -d 'Seed for the sample data' -r
complete -c whk -n "__fish_whk_using_subcommand check" -l cacert -d 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)' -r -F
complete -c whk -n "__fish_whk_using_subcommand check" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand check" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand check" -s k -l insecure -d 'Accept any certificate, even self-signed or expired (testing only)'
complete -c whk -n "__fish_whk_using_subcommand check" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand check" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand check" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand check" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand events" -l seed -d 'Seed for the sample data, so the same command builds the same payload' -r
complete -c whk -n "__fish_whk_using_subcommand events" -l set -d 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)' -r
complete -c whk -n "__fish_whk_using_subcommand events" -l timestamp -d 'Timestamp in the payload: unix seconds or RFC 3339 [default: now]' -r
complete -c whk -n "__fish_whk_using_subcommand events" -l id -d 'Event id for relurl events [default: random]' -r
complete -c whk -n "__fish_whk_using_subcommand events" -l schemas -d 'Write every event\'s JSON Schema into DIR (PROFILE.EVENT.schema.json each)' -r -F
complete -c whk -n "__fish_whk_using_subcommand events" -l profile -d 'Payload profile [default: the event\'s own; link.* events in both profiles default to georedir]' -r -f -a "georedir\t'GeoRedir: {"event", "timestamp", "data"}'
relurl\t'RELURL: {"event", "event_id", "timestamp", "data"}'"
complete -c whk -n "__fish_whk_using_subcommand events" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand events" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand events" -l schema -d 'Print the event\'s JSON Schema (draft 2020-12) instead of a sample'
complete -c whk -n "__fish_whk_using_subcommand events" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand events" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand events" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand events" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand secret" -l scheme -d 'Scheme the secret is for (standard gets whsec_ + base64; the others hex)' -r -f -a "georedir\t'X-GeoRedir-Signature: hex HMAC of the raw body'
relurl\t'X-RELURL-Signature: hex HMAC of the raw body'
github\t'X-Hub-Signature-256: sha256=<hex> (legacy X-Hub-Signature sha1 when alone)'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature v1,<base64> (svix-* too)'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the raw body'
custom\t'--signature-header NAME with --signature-prefix and --encoding'"
complete -c whk -n "__fish_whk_using_subcommand secret" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand secret" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand secret" -l asymmetric -d 'An ed25519 key pair instead (standard only): the whsk_ signing key, then on the next line the whpk_ public key a receiver verifies with'
complete -c whk -n "__fish_whk_using_subcommand secret" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand secret" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand secret" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand secret" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand secret" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand completions" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand completions" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand completions" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand completions" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand completions" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand completions" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand completions" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand init" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand init" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand init" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand init" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand init" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand init" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand init" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand config" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand config" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand config" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand config" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand config" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand config" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand man" -l color -d 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand man" -l config -d 'Project file to use [default: the first whk.toml in this directory or above]' -r -F
complete -c whk -n "__fish_whk_using_subcommand man" -l json -d 'Print one JSON object per line on stdout, nothing decorative'
complete -c whk -n "__fish_whk_using_subcommand man" -s q -l quiet -d 'Print only results and errors'
complete -c whk -n "__fish_whk_using_subcommand man" -s v -l verbose -d 'Show more: request and response headers'
complete -c whk -n "__fish_whk_using_subcommand man" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand man" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "send" -d 'Build a sample delivery for EVENT (or send --data), sign it and POST it'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "sign" -d 'Print the signature headers for a body, or a ready curl command'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "verify" -d 'Verify signatures on captured requests, and explain every failure'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "listen" -d 'Receive deliveries: verify, pretty-print, save, answer as told, forward'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "replay" -d 'Resend captured deliveries, as they were or signed afresh'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "inspect" -d 'Browse saved deliveries in a local web page: verdicts, diffs, replay'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "demo" -d 'A listener and a sender in one process: every event, signed, sent, received, verified'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "check" -d 'Audit a receiver: does it accept valid deliveries and reject forged ones?'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "events" -d 'List event types, or print one sample payload'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "secret" -d 'Print a fresh random secret in the form the scheme expects'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "completions" -d 'Print a shell completion script'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "init" -d 'Write a commented starter whk.toml (never over an existing one)'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "config" -d 'Show the settings a command would use and where each came from (flag, env, whk.toml, default)'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "man" -d 'Write the man pages (whk.1, whk-COMMAND.1) into a directory'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from send sign verify listen replay inspect demo check events secret completions init config man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

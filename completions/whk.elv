
use builtin;
use str;

set edit:completion:arg-completer[whk] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'whk'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'whk'= {
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand send 'Build a sample delivery for EVENT (or send --data), sign it and POST it'
            cand sign 'Print the signature headers for a body, or a ready curl command'
            cand verify 'Verify signatures on captured requests, and explain every failure'
            cand listen 'Receive deliveries: verify, pretty-print, save, answer as told, forward'
            cand replay 'Resend captured deliveries, as they were or signed afresh'
            cand demo 'A listener and a sender in one process: every event, signed, sent, received, verified'
            cand check 'Audit a receiver: does it accept valid deliveries and reject forged ones?'
            cand events 'List event types, or print one sample payload'
            cand secret 'Print a fresh random secret in the form the scheme expects'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;send'= {
            cand --url 'Endpoint to POST to'
            cand --data 'Send this body byte for byte instead of a sample: a file, @FILE, - for stdin, or inline JSON (any text with --raw)'
            cand -H 'Extra request header, repeatable: --header ''X-Env: staging'''
            cand --header 'Extra request header, repeatable: --header ''X-Env: staging'''
            cand --timeout 'Time allowed for each attempt'
            cand --retries 'Retries after a failed attempt (non-2xx, timeout, refused)'
            cand --backoff 'Wait before the first retry, doubling for each next one'
            cand --retry-schedule 'Retry on a provider''s documented schedule instead of --backoff'
            cand --time-scale 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)'
            cand --expect-status 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)'
            cand --cacert 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)'
            cand --count 'Load mode: send N deliveries, each with fresh sample data and signature'
            cand --duration 'Load mode: keep sending for this long'
            cand --concurrency 'Load mode: connections, each with one delivery in flight [default: 10]'
            cand --rate 'Load mode: at most this many deliveries per second (500, 500/s, 3000/m)'
            cand --duplicates 'Load mode: re-send this share of deliveries byte for byte (same id, same signature), e.g. 0.05'
            cand --profile 'Payload profile [default: relurl with --scheme relurl or a relurl-only event, else georedir]'
            cand --seed 'Seed for the sample data, so the same command builds the same payload'
            cand --set 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)'
            cand --secret 'Shared secret to sign or verify with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand --timestamp 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]'
            cand --id 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]'
            cand --scheme 'Signature scheme [default: the event''s profile: relurl for RELURL events, else georedir; custom when --signature-header is given]'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --raw 'Allow a --data body that is not JSON (sent as is)'
            cand -k 'Accept any certificate, even self-signed or expired (testing only)'
            cand --insecure 'Accept any certificate, even self-signed or expired (testing only)'
            cand --dry-run 'Print the request that would be sent, and send nothing'
            cand --out-of-order 'Load mode: hold one delivery in 10 back and send it after the next one'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;sign'= {
            cand --url 'Endpoint for --curl'
            cand --secret 'Shared secret to sign or verify with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --scheme 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand --timestamp 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]'
            cand --id 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --curl 'Print a complete curl command that sends the body with the signature headers'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;verify'= {
            cand --body 'Check this body instead, with its headers given by --header'
            cand -H 'A header of the --body request, repeatable: --header ''X-GeoRedir-Signature: 3f…'''
            cand --header 'A header of the --body request, repeatable: --header ''X-GeoRedir-Signature: 3f…'''
            cand --secret 'Shared secret to sign or verify with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --scheme 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand --tolerance 'How far a signed timestamp may be from now, each way ("0" skips the check)'
            cand --now 'Check timestamps as of this time (unix seconds or RFC 3339), or "received" for the time each capture was received'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --show-expected 'Also print the expected signature and the exact string that was signed'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;listen'= {
            cand -p 'Port to listen on (0 picks a free one)'
            cand --port 'Port to listen on (0 picks a free one)'
            cand --host 'Address to bind; 0.0.0.0 opens the listener to your network'
            cand --secret 'Shared secret to sign or verify with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand --tolerance 'How far a signed timestamp may be from now, each way ("0" skips the check)'
            cand --status 'Status to answer; a list such as 500,500,200 is played in order, the last repeating'
            cand --response-body 'Response body: text, or @FILE'
            cand --delay 'Wait this long before answering'
            cand --fail-first 'Answer the first N deliveries with 500, so a sender''s retries can be tested'
            cand --fail-rate 'Answer this share of deliveries (0.0–1.0) with 500, at random'
            cand --seed 'Seed for --fail-rate, so the same deliveries fail on every run'
            cand --events 'Show and save only these event types (others are still answered)'
            cand --save 'Save captures: a directory (one JSON file each) or FILE.jsonl (one line each)'
            cand --forward-to 'Pass each delivery on to your app and answer with the app''s response'
            cand --forward-timeout 'Time allowed for the app to answer a forwarded delivery'
            cand --cacert 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)'
            cand --count 'Exit after N deliveries'
            cand --timeout 'Stop after this long; with --count, exit 1 when fewer arrived'
            cand --max-body 'Largest body accepted; larger ones get 413 (e.g. 512KiB, 10MiB)'
            cand --read-timeout 'Time a client has to send a request''s headers, and then its body; late ones get 408'
            cand --max-header-bytes 'Largest request head (request line and headers); larger ones get 431'
            cand --max-headers 'Most headers in one request; more get 431'
            cand --max-connections 'Most connections open at once; more wait until one closes'
            cand --cert 'Serve HTTPS with this certificate chain (PEM) instead of a generated one'
            cand --key 'The private key (PEM) for --cert'
            cand --tls-cert-out 'Where to write the generated certificate (PEM) for clients'' --cacert [default: a file in the temp directory]'
            cand --scheme 'Signature scheme to verify with [default: detected from each delivery''s headers; custom when --signature-header is given]'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --headers 'Show each delivery''s headers'
            cand -k 'Accept any certificate, even self-signed or expired (testing only)'
            cand --insecure 'Accept any certificate, even self-signed or expired (testing only)'
            cand --require-valid 'Exit 1 if any delivery had a missing or bad signature (needs --secret)'
            cand --reject-invalid 'Answer 401 (400 when the timestamp is stale) to a missing or bad signature, and do nothing else with it, as a correct receiver does (needs --secret)'
            cand --tls 'Serve HTTPS with a certificate generated now for localhost, 127.0.0.1 and ::1'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;replay'= {
            cand --url 'Endpoint to send them to'
            cand --secret 'Shared secret to sign or verify with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --scheme 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand -H 'Extra request header, repeatable: --header ''X-Replay: 1'''
            cand --header 'Extra request header, repeatable: --header ''X-Replay: 1'''
            cand --concurrency 'Deliveries in flight at once'
            cand --timeout 'Time allowed for each attempt'
            cand --retries 'Retries after a failed attempt (non-2xx, timeout, refused)'
            cand --backoff 'Wait before the first retry, doubling for each next one'
            cand --retry-schedule 'Retry on a provider''s documented schedule instead of --backoff'
            cand --time-scale 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)'
            cand --expect-status 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)'
            cand --cacert 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --resign 'Sign each delivery afresh (a new timestamp for timestamped schemes) instead of sending the captured signature'
            cand -k 'Accept any certificate, even self-signed or expired (testing only)'
            cand --insecure 'Accept any certificate, even self-signed or expired (testing only)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;demo'= {
            cand --scheme 'Signature scheme to demonstrate'
            cand --profile 'Payload profile [default: relurl with --scheme relurl, else georedir]'
            cand --seed 'Seed for the sample data'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;check'= {
            cand --secret 'Shared secret to sign or verify with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --scheme 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand --profile 'Payload profile [default: relurl with --scheme relurl, else georedir]'
            cand --timeout 'The provider''s timeout: answers slower than half of it warn, slower than it fail'
            cand --only 'Run only these scenarios (see the list in `whk check --help`)'
            cand --skip 'Skip these scenarios'
            cand --seed 'Seed for the sample data'
            cand --cacert 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand -k 'Accept any certificate, even self-signed or expired (testing only)'
            cand --insecure 'Accept any certificate, even self-signed or expired (testing only)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;events'= {
            cand --seed 'Seed for the sample data, so the same command builds the same payload'
            cand --set 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)'
            cand --timestamp 'Timestamp in the payload: unix seconds or RFC 3339 [default: now]'
            cand --id 'Event id for relurl events [default: random]'
            cand --profile 'Payload profile [default: the event''s own; link.* events in both profiles default to georedir]'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;secret'= {
            cand --scheme 'Scheme the secret is for (standard gets whsec_ + base64; the others hex)'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;completions'= {
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --json 'Print one JSON object per line on stdout, nothing decorative'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'Show more: request and response headers'
            cand --verbose 'Show more: request and response headers'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whk;help'= {
            cand send 'Build a sample delivery for EVENT (or send --data), sign it and POST it'
            cand sign 'Print the signature headers for a body, or a ready curl command'
            cand verify 'Verify signatures on captured requests, and explain every failure'
            cand listen 'Receive deliveries: verify, pretty-print, save, answer as told, forward'
            cand replay 'Resend captured deliveries, as they were or signed afresh'
            cand demo 'A listener and a sender in one process: every event, signed, sent, received, verified'
            cand check 'Audit a receiver: does it accept valid deliveries and reject forged ones?'
            cand events 'List event types, or print one sample payload'
            cand secret 'Print a fresh random secret in the form the scheme expects'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;help;send'= {
        }
        &'whk;help;sign'= {
        }
        &'whk;help;verify'= {
        }
        &'whk;help;listen'= {
        }
        &'whk;help;replay'= {
        }
        &'whk;help;demo'= {
        }
        &'whk;help;check'= {
        }
        &'whk;help;events'= {
        }
        &'whk;help;secret'= {
        }
        &'whk;help;completions'= {
        }
        &'whk;help;help'= {
        }
    ]
    $completions[$command]
}

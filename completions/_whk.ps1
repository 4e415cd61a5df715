
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'whk' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'whk'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'whk' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Build a sample delivery for EVENT (or send --data), sign it and POST it')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body, or a ready curl command')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify signatures on captured requests, and explain every failure')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive deliveries: verify, pretty-print, save, answer as told, forward')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Resend captured deliveries, as they were or signed afresh')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Browse saved deliveries in a local web page: verdicts, diffs, replay')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A listener and a sender in one process: every event, signed, sent, received, verified')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Audit a receiver: does it accept valid deliveries and reject forged ones?')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List event types, or print one sample payload')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print a fresh random secret in the form the scheme expects')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter whk.toml (never over an existing one)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings a command would use and where each came from (flag, env, whk.toml, default)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (whk.1, whk-COMMAND.1) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whk;send' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Endpoint to POST to')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'A named endpoint of whk.toml ([endpoints.NAME]): its url, scheme and secret')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send this body byte for byte instead of a sample: a file, @FILE, - for stdin, or inline JSON (any text with --raw)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, repeatable: --header ''X-Env: staging''')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, repeatable: --header ''X-Env: staging''')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each attempt')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed attempt (non-2xx, timeout, refused), at most 100')
            [CompletionResult]::new('--backoff', '--backoff', [CompletionResultType]::ParameterName, 'Wait before the first retry, doubling for each next one')
            [CompletionResult]::new('--retry-schedule', '--retry-schedule', [CompletionResultType]::ParameterName, 'Retry on a provider''s documented schedule instead of --backoff')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Load mode: send N deliveries, each with fresh sample data and signature')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Load mode: keep sending for this long')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Load mode: connections, each with one delivery in flight [default: 10]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Load mode: at most this many deliveries per second (500, 500/s, 3000/m)')
            [CompletionResult]::new('--duplicates', '--duplicates', [CompletionResultType]::ParameterName, 'Load mode: re-send this share of deliveries byte for byte (same id, same signature), e.g. 0.05')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Payload profile [default: relurl with --scheme relurl or a relurl-only event, else georedir]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the sample data, so the same command builds the same payload')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme [default: the event''s profile: relurl for RELURL events, else georedir; custom when --signature-header is given]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Allow a --data body that is not JSON (sent as is)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent, and send nothing')
            [CompletionResult]::new('--out-of-order', '--out-of-order', [CompletionResultType]::ParameterName, 'Load mode: one delivery in 10 is a related pair sent the wrong way round (a conversion before its click, link.updated before link.created)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;sign' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Endpoint for --curl')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a complete curl command that sends the body with the signature headers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;verify' {
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Check this body instead, with its headers given by --header')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A header of the --body request, repeatable: --header ''X-GeoRedir-Signature: 3f…''')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header of the --body request, repeatable: --header ''X-GeoRedir-Signature: 3f…''')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now, each way ("0" skips the check)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Check timestamps as of this time (unix seconds or RFC 3339), or "received" for the time each capture was received')
            [CompletionResult]::new('--schema-dir', '--schema-dir', [CompletionResultType]::ParameterName, 'Your own schemas, one EVENT.json per event, used before whk''s (implies --validate)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--show-expected', '--show-expected', [CompletionResultType]::ParameterName, 'Also print the expected signature and the exact string that was signed')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check each payload against its event''s JSON Schema (see `whk events EVENT --schema`) and show the fields that are missing, extra or of the wrong type')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;listen' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind; 0.0.0.0 opens the listener to your network')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now, each way ("0" skips the check)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status to answer; a list such as 500,500,200 is played in order, the last repeating')
            [CompletionResult]::new('--response-body', '--response-body', [CompletionResultType]::ParameterName, 'Response body: text, or @FILE')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before answering')
            [CompletionResult]::new('--fail-first', '--fail-first', [CompletionResultType]::ParameterName, 'Answer the first N deliveries with 500, so a sender''s retries can be tested')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Answer this share of deliveries (0.0–1.0) with 500, at random')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --fail-rate, so the same deliveries fail on every run')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show and save only these event types (others are still answered)')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Save captures: a directory (one JSON file each) or FILE.jsonl (one line each)')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Pass each delivery on to your app and answer with the app''s response')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'Time allowed for the app to answer a forwarded delivery')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after N deliveries')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long; with --count, exit 1 when fewer arrived')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted; larger ones get 413 (e.g. 512KiB, 10MiB)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Time a client has to send a request''s headers, and then its body; late ones get 408')
            [CompletionResult]::new('--max-header-bytes', '--max-header-bytes', [CompletionResultType]::ParameterName, 'Largest request head (request line and headers); larger ones get 431')
            [CompletionResult]::new('--max-headers', '--max-headers', [CompletionResultType]::ParameterName, 'Most headers in one request; more get 431')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections open at once; more wait until one closes')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this certificate chain (PEM) instead of a generated one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The private key (PEM) for --cert')
            [CompletionResult]::new('--tls-cert-out', '--tls-cert-out', [CompletionResultType]::ParameterName, 'Where to write the generated certificate (PEM) for clients'' --cacert [default: a file in the temp directory]')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run this shell command for each delivery: the raw body on stdin; WHK_EVENT, WHK_ID, WHK_VERDICT (valid|invalid|unchecked), WHK_PATH, WHK_DUPLICATE and, with --save, WHK_CAPTURE (a directory''s file is there already; a .jsonl gets its line afterwards)')
            [CompletionResult]::new('--exec-concurrency', '--exec-concurrency', [CompletionResultType]::ParameterName, 'Commands running at once; further deliveries wait for one to end')
            [CompletionResult]::new('--exec-timeout', '--exec-timeout', [CompletionResultType]::ParameterName, 'Kill a command that runs longer than this (its exit status is recorded as none)')
            [CompletionResult]::new('--schema-dir', '--schema-dir', [CompletionResultType]::ParameterName, 'Your own schemas, one EVENT.json per event, used before whk''s (implies --validate)')
            [CompletionResult]::new('--ui-port', '--ui-port', [CompletionResultType]::ParameterName, 'Port for the inspector page, on 127.0.0.1 only (0 picks a free one; for listen, implies --ui) [default: 4040]')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme to verify with [default: detected from each delivery''s headers; custom when --signature-header is given]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'Show each delivery''s headers')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--require-valid', '--require-valid', [CompletionResultType]::ParameterName, 'Exit 1 if any delivery had a missing or bad signature (needs --secret)')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'Answer 401 (400 when the timestamp is stale) to a missing or bad signature, and do nothing else with it, as a correct receiver does (needs --secret)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve HTTPS with a certificate generated now for localhost, 127.0.0.1 and ::1')
            [CompletionResult]::new('--exec-answers', '--exec-answers', [CompletionResultType]::ParameterName, 'Answer as the command ended: exit 0 → 200, anything else → 500 (script a retry test)')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check each payload against its event''s JSON Schema (see `whk events EVENT --schema`) and show the fields that are missing, extra or of the wrong type')
            [CompletionResult]::new('--ui', '--ui', [CompletionResultType]::ParameterName, 'Serve the web inspector: deliveries appear in the browser as they arrive')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the inspector in the default browser (for listen, implies --ui)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;replay' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Endpoint to send them to')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'A named endpoint of whk.toml ([endpoints.NAME]): its url, scheme and secret')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, repeatable: --header ''X-Replay: 1''')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, repeatable: --header ''X-Replay: 1''')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Deliveries in flight at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each attempt')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed attempt (non-2xx, timeout, refused), at most 100')
            [CompletionResult]::new('--backoff', '--backoff', [CompletionResultType]::ParameterName, 'Wait before the first retry, doubling for each next one')
            [CompletionResult]::new('--retry-schedule', '--retry-schedule', [CompletionResultType]::ParameterName, 'Retry on a provider''s documented schedule instead of --backoff')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)')
            [CompletionResult]::new('--schema-dir', '--schema-dir', [CompletionResultType]::ParameterName, 'Your own schemas, one EVENT.json per event, used before whk''s (implies --validate)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Sign each delivery afresh (a new timestamp for timestamped schemes) instead of sending the captured signature')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check each payload against its event''s JSON Schema (see `whk events EVENT --schema`) and show the fields that are missing, extra or of the wrong type')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;inspect' {
            [CompletionResult]::new('--ui-port', '--ui-port', [CompletionResultType]::ParameterName, 'Port for the inspector page, on 127.0.0.1 only (0 picks a free one; for listen, implies --ui) [default: 4040]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Where replays go unless you type a URL on the page (the delivery''s path is added)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme to verify and re-sign with [default: detected from each delivery''s headers; custom when --signature-header is given]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the inspector in the default browser (for listen, implies --ui)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;demo' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme to demonstrate')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Payload profile [default: relurl with --scheme relurl, else georedir]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the sample data')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;check' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Shared secret to sign or verify with; when verifying (verify, listen, check) repeat it during a key rotation: any one matching is valid')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (keeps it out of `ps` and shell history)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme [default: georedir for signing, detected from the headers for verifying; custom when --signature-header is given]')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the signature (custom scheme), e.g. X-Signature')
            [CompletionResult]::new('--signature-prefix', '--signature-prefix', [CompletionResultType]::ParameterName, 'Text before the signature value (custom scheme), e.g. sha256=')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the signature value (custom scheme)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Payload profile [default: relurl with --scheme relurl, else georedir]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'The provider''s timeout: answers slower than half of it warn, slower than it fail')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these scenarios (see the list in `whk check --help`)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip these scenarios')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the sample data')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the certificates in this PEM file (e.g. the one `whk listen --tls` writes)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any certificate, even self-signed or expired (testing only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;events' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the sample data, so the same command builds the same payload')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Timestamp in the payload: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Event id for relurl events [default: random]')
            [CompletionResult]::new('--schemas', '--schemas', [CompletionResultType]::ParameterName, 'Write every event''s JSON Schema into DIR (PROFILE.EVENT.schema.json each)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Payload profile [default: the event''s own; link.* events in both profiles default to georedir]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Print the event''s JSON Schema (draft 2020-12) instead of a sample')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;secret' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Scheme the secret is for (standard gets whsec_ + base64; the others hex)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--asymmetric', '--asymmetric', [CompletionResultType]::ParameterName, 'An ed25519 key pair instead (standard only): the whsk_ signing key, then on the next line the whpk_ public key a receiver verifies with')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;init' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project file to use [default: the first whk.toml in this directory or above]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per line on stdout, nothing decorative')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more: request and response headers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whk;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Build a sample delivery for EVENT (or send --data), sign it and POST it')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body, or a ready curl command')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify signatures on captured requests, and explain every failure')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive deliveries: verify, pretty-print, save, answer as told, forward')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Resend captured deliveries, as they were or signed afresh')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Browse saved deliveries in a local web page: verdicts, diffs, replay')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A listener and a sender in one process: every event, signed, sent, received, verified')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Audit a receiver: does it accept valid deliveries and reject forged ones?')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List event types, or print one sample payload')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print a fresh random secret in the form the scheme expects')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter whk.toml (never over an existing one)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings a command would use and where each came from (flag, env, whk.toml, default)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (whk.1, whk-COMMAND.1) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whk;help;send' {
            break
        }
        'whk;help;sign' {
            break
        }
        'whk;help;verify' {
            break
        }
        'whk;help;listen' {
            break
        }
        'whk;help;replay' {
            break
        }
        'whk;help;inspect' {
            break
        }
        'whk;help;demo' {
            break
        }
        'whk;help;check' {
            break
        }
        'whk;help;events' {
            break
        }
        'whk;help;secret' {
            break
        }
        'whk;help;completions' {
            break
        }
        'whk;help;init' {
            break
        }
        'whk;help;config' {
            break
        }
        'whk;help;man' {
            break
        }
        'whk;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}


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
            cand events 'List event types, or print one sample payload'
            cand secret 'Print a fresh random secret in the form the scheme expects'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;send'= {
            cand --url 'Endpoint to POST to'
            cand --data 'Send this body byte for byte instead of a sample: a file, - for stdin, or inline JSON'
            cand -H 'Extra request header, repeatable: --header ''X-Env: staging'''
            cand --header 'Extra request header, repeatable: --header ''X-Env: staging'''
            cand --timeout 'Time allowed for each attempt'
            cand --retries 'Retries after a failed attempt (non-2xx, timeout, refused)'
            cand --backoff 'Wait before the first retry, doubling for each next one'
            cand --retry-schedule 'Retry on a provider''s documented schedule instead of --backoff'
            cand --time-scale 'Multiply every retry wait by this factor (0.001 turns minutes into tens of milliseconds)'
            cand --expect-status 'Succeed only on this status: a code (401), a class (4xx) or a range (400-499)'
            cand --profile 'Payload profile [default: relurl with --scheme relurl or a relurl-only event, else georedir]'
            cand --seed 'Seed for the sample data, so the same command builds the same payload'
            cand --set 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)'
            cand --secret 'Shared secret to sign with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --scheme 'Signature scheme [default: georedir, or custom when --signature-header is given]'
            cand --signature-header 'Header that carries the signature (custom scheme), e.g. X-Signature'
            cand --signature-prefix 'Text before the signature value (custom scheme), e.g. sha256='
            cand --encoding 'Encoding of the signature value (custom scheme)'
            cand --timestamp 'Timestamp to sign with and put in the payload: unix seconds or RFC 3339 [default: now]'
            cand --id 'Delivery id: webhook-id for the standard scheme, event_id for relurl events [default: random]'
            cand --color 'When to colour the output (auto: only on a terminal; NO_COLOR and CLICOLOR_FORCE honoured)'
            cand --raw 'Allow a --data body that is not JSON (sent as is)'
            cand --dry-run 'Print the request that would be sent, and send nothing'
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
            cand --secret 'Shared secret to sign with'
            cand --secret-file 'Read the secret from a file (keeps it out of `ps` and shell history)'
            cand --scheme 'Signature scheme [default: georedir, or custom when --signature-header is given]'
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
        &'whk;events'= {
            cand --profile 'Payload profile [default: relurl with --scheme relurl or a relurl-only event, else georedir]'
            cand --seed 'Seed for the sample data, so the same command builds the same payload'
            cand --set 'Override one field: --set data.country=DE (the value is parsed as JSON when it parses)'
            cand --timestamp 'Timestamp in the payload: unix seconds or RFC 3339 [default: now]'
            cand --id 'Event id for relurl events [default: random]'
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
            cand events 'List event types, or print one sample payload'
            cand secret 'Print a fresh random secret in the form the scheme expects'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;help;send'= {
        }
        &'whk;help;sign'= {
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

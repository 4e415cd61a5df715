//! `whk sign`: the signature headers for a body, or a ready curl command.

use serde_json::json;

use super::resolve;
use crate::cli::SignArgs;
use crate::client;
use crate::curl::{CurlBody, CurlCommand};
use crate::delivery;
use crate::error::{Error, Result};
use crate::events;
use crate::output::{Printer, headers_json};
use crate::scheme::Header;

pub fn run(args: SignArgs, out: Printer) -> Result<()> {
    let signer = resolve::signer_from(&args.signing)?.ok_or_else(|| {
        Error::usage(
            "whk sign needs a secret: pass --secret S or --secret-file FILE, or set WHK_SECRET",
        )
    })?;
    let url = args.url.as_deref().map(client::parse_url).transpose()?;
    let source = args.file.as_deref().unwrap_or("-");
    let body = delivery::read_source(source, "whk sign")?;
    let timestamp = delivery::timestamp_from(args.signing.timestamp.as_deref())?;
    let id = args
        .signing
        .id
        .clone()
        .unwrap_or_else(|| events::message_id(&mut fastrand::Rng::new()));
    let mut headers = vec![(
        "Content-Type".to_string(),
        delivery::content_type(&body).to_string(),
    )];
    headers.extend(signer.sign(&body, events::unix_seconds(timestamp), &id));
    match url {
        Some(url) if args.curl => print_curl(url.as_str(), &headers, source, &body, out),
        _ => print_headers(&signer.scheme().name().to_string(), &headers[1..], out),
    }
}

fn print_headers(scheme: &str, headers: &[Header], out: Printer) -> Result<()> {
    if out.json {
        return out.json_line(
            &json!({"type": "signature", "scheme": scheme, "headers": headers_json(headers)}),
        );
    }
    for (name, value) in headers {
        out.line(&format!("{name}: {value}"))?;
    }
    Ok(())
}

fn print_curl(
    url: &str,
    headers: &[Header],
    source: &str,
    body: &[u8],
    out: Printer,
) -> Result<()> {
    // Inline bodies go with --data-raw: --data-binary would read a file for a body that
    // starts with '@'.
    let data = if source == "-" {
        let text = std::str::from_utf8(body)
            .ok()
            .filter(|text| !text.contains('\0'))
            .ok_or_else(|| {
                Error::usage("the body on stdin is binary and cannot go inline in a curl command; save it to a file and run `whk sign FILE --curl`")
            })?;
        CurlBody::Inline(text.to_string())
    } else {
        CurlBody::File(source.to_string())
    };
    let command = CurlCommand::post(url, headers, data).render();
    if out.json {
        return out.json_line(&json!({"type": "curl", "command": command}));
    }
    out.line(&command)
}

//! `whk sign`: the signature headers for a body, or a ready curl command.

use super::resolve;
use crate::cli::SignArgs;
use crate::client;
use crate::curl::{CurlBody, CurlCommand};
use crate::delivery;
use crate::error::{Error, Result};
use crate::events;
use crate::output::Printer;
use crate::records::{Curl, Signature};
use crate::scheme::{Header, SchemeName};

pub fn run(args: SignArgs, out: Printer) -> Result<()> {
    let signer = resolve::signer_from(&args.signing)?.ok_or_else(|| {
        Error::usage(
            "whk sign needs a secret: pass --secret S or --secret-file FILE, or set WHK_SECRET",
        )
    })?;
    let url = args.url.as_deref().map(client::parse_url).transpose()?;
    let source = args.file.as_deref().unwrap_or("-");
    let body = delivery::read_source(source, "whk sign")?;
    let timestamp = delivery::timestamp_from(args.signing.timestamp);
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
        _ => print_headers(signer.scheme().name(), &headers[1..], out),
    }
}

fn print_headers(scheme: SchemeName, headers: &[Header], out: Printer) -> Result<()> {
    out.emit(&Signature {
        scheme,
        headers: headers.to_vec(),
    })
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
    out.emit(&Curl {
        command: CurlCommand::post(url, headers, data).render(),
    })
}

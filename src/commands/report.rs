//! The report of a sent delivery, shared by `whk send` and `whk replay`: one line (and the
//! answer's body) for people, one JSON object for `--json`.

use colored::Colorize;
use serde_json::{Value, json};

use crate::client::{Attempt, NetFailure, Request, Response, StatusExpectation};
use crate::delivery::Outgoing;
use crate::error::Result;
use crate::output::{self, Printer, format_latency, headers_json, latency_ms};
use crate::scheme::Header;

pub fn outcome_text(outcome: &std::result::Result<Response, NetFailure>) -> String {
    match outcome {
        Ok(response) => format!("{} {}", response.status, response.reason),
        Err(failure) => failure.to_string(),
    }
}

pub fn print_human(
    outgoing: &Outgoing,
    request: &Request,
    attempts: &[Attempt],
    response: &Response,
    expectation: StatusExpectation,
    out: Printer,
) -> Result<()> {
    let last = attempts.last().expect("deliver makes at least one attempt");
    let ok = expectation.matches(response.status);
    let mark = if ok {
        "✓".green().bold()
    } else {
        "✗".red().bold()
    };
    let status = format!("{} {}", response.status, response.reason);
    let status = if ok { status.green() } else { status.red() };
    // Replayed deliveries carry a captured event name: escaped like any received value.
    let event = output::escape_line(outgoing.event.as_deref().unwrap_or("body"));
    let tries = if attempts.len() > 1 {
        format!("  ({} attempts)", attempts.len())
    } else {
        String::new()
    };
    if out.verbose > 0 {
        print_headers(out, '>', &format!("POST {}", request.url), &request.headers)?;
        print_headers(out, '<', &status, &response.headers)?;
    }
    out.line(&format!(
        "{mark} {status}  {}  {event} → {}{tries}",
        format_latency(last.latency),
        request.url
    ))?;
    let text = String::from_utf8_lossy(&response.body);
    let text = text.trim();
    if !text.is_empty() && !out.quiet {
        out.line(&format!(
            "  {}",
            output::escape_controls(&output::shorten(text, 300)).dimmed()
        ))?;
    }
    Ok(())
}

fn print_headers(out: Printer, arrow: char, first: &str, headers: &[Header]) -> Result<()> {
    out.line(&format!("{arrow} {first}"))?;
    for (name, value) in headers {
        out.line(&format!(
            "{arrow} {}: {}",
            output::escape_line(name).bold(),
            output::escape_line(value)
        ))?;
    }
    Ok(())
}

pub fn delivery_json(
    outgoing: &Outgoing,
    request: &Request,
    attempts: &[Attempt],
    expectation: StatusExpectation,
) -> Value {
    let last = attempts.last().expect("deliver makes at least one attempt");
    let attempt_list: Vec<Value> = attempts
        .iter()
        .map(|a| match &a.outcome {
            Ok(r) => json!({"attempt": a.number, "status": r.status, "latency_ms": latency_ms(a.latency)}),
            Err(f) => json!({"attempt": a.number, "error": f.kind(), "message": f.to_string(), "latency_ms": latency_ms(a.latency)}),
        })
        .collect();
    let mut result = json!({
        "type": "delivery",
        "event": outgoing.event,
        "url": request.url.as_str(),
        "ok": matches!(&last.outcome, Ok(r) if expectation.matches(r.status)),
        "expected": expectation.to_string(),
        "latency_ms": latency_ms(last.latency),
        "attempts": attempt_list,
        "request_headers": headers_json(&request.headers),
    });
    let fields = result.as_object_mut().expect("built as an object");
    match &last.outcome {
        Ok(response) => {
            fields.insert("status".into(), json!(response.status));
            fields.insert("response_headers".into(), headers_json(&response.headers));
            fields.insert(
                "response_body".into(),
                json!(String::from_utf8_lossy(&response.body)),
            );
        }
        Err(failure) => {
            fields.insert("error".into(), json!(failure.kind()));
            fields.insert("message".into(), json!(failure.to_string()));
        }
    }
    result
}

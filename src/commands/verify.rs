//! `whk verify`: is each captured delivery genuine, and if not, why not?

use std::cell::RefCell;
use std::io::{BufWriter, IsTerminal, Write};
use std::time::SystemTime;

use colored::Colorize;
use serde_json::{Map, Value, json};

use super::resolve;
use crate::capture::read::{Recorded, Unreadable, read_inputs_skipping};
use crate::cli::VerifyArgs;
use crate::delivery;
use crate::error::{Error, Result};
use crate::events;
use crate::output::{self, Printer};
use crate::secret::Secret;
use crate::verify::{Evidence, Verdict, Verifier};

/// The clock verification runs against.
enum Clock {
    Now(i64),
    Fixed(i64),
    /// Each capture's own receive time (now, where the input does not say).
    Received(i64),
}

impl Clock {
    fn for_request(&self, recorded: &Recorded) -> i64 {
        match self {
            Clock::Now(t) | Clock::Fixed(t) => *t,
            Clock::Received(fallback) => {
                recorded.received_at.map_or(*fallback, events::unix_seconds)
            }
        }
    }
}

#[derive(Default)]
struct Counts {
    valid: u64,
    invalid: u64,
    unreadable: u64,
    /// Where the first few unreadable lines are, for the closing message.
    unreadable_at: Vec<String>,
}

impl Counts {
    /// How many unreadable lines were skipped, and the first few of them.
    fn skipped(&self) -> String {
        let plural = if self.unreadable == 1 { "" } else { "s" };
        let more = if self.unreadable > self.unreadable_at.len() as u64 {
            ", …"
        } else {
            ""
        };
        format!(
            "{} unreadable line{plural} skipped ({}{more})",
            self.unreadable,
            self.unreadable_at.join(", ")
        )
    }

    /// `; N unreadable lines skipped (…)` when there were any.
    fn and_skipped(&self) -> String {
        if self.unreadable == 0 {
            return String::new();
        }
        format!("; {}", self.skipped())
    }
}

/// Exit status: 1 when any signature failed, else 2 when any line could not be read (an
/// input error), else 0.
pub fn run(args: VerifyArgs, out: Printer) -> Result<()> {
    let secret = resolve::secret_from(&args.secret)?.ok_or_else(|| {
        Error::usage("whk verify needs the shared secret: pass --secret S or --secret-file FILE, or set WHK_SECRET")
    })?;
    let tolerance = (!args.tolerance.is_zero()).then_some(args.tolerance.as_secs());
    let verifier = Verifier::new(&secret, resolve::chosen_scheme(&args.scheme)?, tolerance)?;
    let clock = clock_from(args.now.as_deref())?;
    // Shared by the two callbacks below: results and skipped lines go out in input order.
    let state = RefCell::new((
        BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()),
        Counts::default(),
    ));
    let check = |recorded: Recorded| -> Result<()> {
        let report = Report::new(
            &verifier,
            &secret,
            &recorded,
            clock.for_request(&recorded),
            args.show_expected,
        );
        let (writer, counts) = &mut *state.borrow_mut();
        if report.verdict.is_valid() {
            counts.valid += 1;
        } else {
            counts.invalid += 1;
        }
        report.write(writer, out)?;
        Ok(())
    };
    let skip = |unreadable: Unreadable| -> Result<()> {
        let (writer, counts) = &mut *state.borrow_mut();
        counts.unreadable += 1;
        if counts.unreadable_at.len() < 3 {
            counts.unreadable_at.push(output::escape_controls(&format!(
                "{}:{}",
                unreadable.file, unreadable.line
            )));
        }
        if out.json {
            writeln!(
                writer,
                "{}",
                json!({"type": "unreadable", "file": unreadable.file, "line": unreadable.line, "error": unreadable.error})
            )?;
        } else {
            // After the results before it, where both go to one terminal.
            writer.flush()?;
            out.warn(&output::escape_controls(&format!("{unreadable}; skipped")));
        }
        Ok(())
    };
    match &args.body {
        Some(file) => check(body_request(file, &args.headers)?)?,
        None => read_inputs_skipping(&inputs_or_stdin(&args.inputs)?, check, skip)?,
    }
    let (mut writer, counts) = state.into_inner();
    let total = counts.valid + counts.invalid;
    if total == 0 {
        if counts.unreadable > 0 {
            return Err(Error::usage(format!(
                "no request could be read: {}",
                counts.skipped()
            )));
        }
        return Err(Error::usage("the inputs hold no requests to verify"));
    }
    if out.json {
        writeln!(
            writer,
            "{}",
            json!({"type": "summary", "total": total, "valid": counts.valid, "invalid": counts.invalid, "unreadable": counts.unreadable})
        )?;
    } else if total > 1 || counts.unreadable > 0 {
        writeln!(
            writer,
            "{} valid, {} invalid, of {total}{}",
            counts.valid,
            counts.invalid,
            counts.and_skipped()
        )?;
    }
    writer.flush()?;
    if counts.invalid > 0 {
        return Err(Error::Failed(format!(
            "{} of {total} requests failed verification{}",
            counts.invalid,
            counts.and_skipped()
        )));
    }
    if counts.unreadable > 0 {
        let read = if total == 1 {
            "the 1 request read is valid".to_string()
        } else {
            format!("the {total} requests read are valid")
        };
        return Err(Error::usage(format!("{}; {read}", counts.skipped())));
    }
    Ok(())
}

fn clock_from(flag: Option<&str>) -> Result<Clock> {
    let now = events::unix_seconds(SystemTime::now());
    Ok(match flag {
        None => Clock::Now(now),
        Some("received") => Clock::Received(now),
        Some(text) => Clock::Fixed(events::unix_seconds(
            events::parse_timestamp(text).map_err(|_| {
                Error::usage(format!(
                    "--now {text:?} is not unix seconds, RFC 3339 or \"received\""
                ))
            })?,
        )),
    })
}

fn inputs_or_stdin(inputs: &[String]) -> Result<Vec<String>> {
    if !inputs.is_empty() {
        return Ok(inputs.to_vec());
    }
    if std::io::stdin().is_terminal() {
        return Err(Error::usage(
            "give captures to verify (files, directories, .jsonl, raw HTTP or HAR), pipe one in, or use --body FILE --header 'Name: value'",
        ));
    }
    Ok(vec!["-".to_string()])
}

fn body_request(file: &str, headers: &[String]) -> Result<Recorded> {
    if headers.is_empty() {
        return Err(Error::usage(
            "--body needs the request's signature headers: add --header 'Name: value' for each",
        ));
    }
    Ok(Recorded {
        source: file.to_string(),
        method: "POST".into(),
        target: "/".into(),
        headers: headers
            .iter()
            .map(|h| delivery::parse_header(h))
            .collect::<Result<_>>()?,
        body: delivery::read_source(file, "--body")?,
        received_at: None,
        digest_mismatch: false,
    })
}

/// The result for one request, ready to print.
struct Report<'a> {
    recorded: &'a Recorded,
    verdict: Verdict,
    diagnosis: Option<crate::verify::Diagnosis>,
    expected: Option<(Vec<crate::scheme::Header>, Vec<u8>)>,
}

impl<'a> Report<'a> {
    fn new(
        verifier: &Verifier,
        secret: &Secret,
        recorded: &'a Recorded,
        now: i64,
        show_expected: bool,
    ) -> Self {
        let verdict = verifier.check(&recorded.headers, &recorded.body, now);
        let evidence = Evidence {
            headers: &recorded.headers,
            body: &recorded.body,
            now,
        };
        let diagnosis = verifier.diagnose(secret, &evidence, &verdict);
        let expected = show_expected
            .then(|| verifier.expected(&verdict, &recorded.headers, &recorded.body))
            .flatten();
        Report {
            recorded,
            verdict,
            diagnosis,
            expected,
        }
    }

    fn write(&self, writer: &mut impl Write, out: Printer) -> Result<()> {
        if out.json {
            writeln!(writer, "{}", self.to_json())?;
            return Ok(());
        }
        // Human output only: everything taken from the input is escaped for the terminal
        // (a header name can carry ESC or bidi controls); --json keeps the exact values.
        let source = output::escape_line(&self.recorded.source);
        let scheme = self.verdict.scheme.unwrap_or("-");
        match &self.verdict.result {
            Ok(_) => writeln!(
                writer,
                "{} {source}  {scheme}  {}",
                "✓".green().bold(),
                "valid".green()
            )?,
            Err(err) => {
                // Every failure is named by its diagnosis kind, the same word as in --json.
                let kind = self
                    .diagnosis
                    .as_ref()
                    .map_or(String::new(), |d| format!(" ({})", d.kind));
                writeln!(
                    writer,
                    "{} {source}  {scheme}  {}",
                    "✗".red().bold(),
                    format!("invalid{kind}: {}", output::escape_line(&err.to_string())).red()
                )?;
                // The detail, unless it only repeats the reason; a detail that extends the
                // reason (stale) adds what to do about it.
                let reason = err.to_string();
                match self
                    .diagnosis
                    .as_ref()
                    .map(|d| (d.detail.as_str(), d.detail.strip_prefix(reason.as_str())))
                {
                    None | Some((_, Some(""))) => {}
                    Some((_, Some(rest))) => writeln!(
                        writer,
                        "  {} {}",
                        "hint:".yellow(),
                        output::escape_line(rest.trim_start_matches([';', ' ']))
                    )?,
                    Some((detail, None)) => writeln!(
                        writer,
                        "  {} {}",
                        "why:".yellow(),
                        output::escape_line(detail)
                    )?,
                }
            }
        }
        if self.recorded.digest_mismatch {
            writeln!(
                writer,
                "  note: the capture's body_sha256 does not match its body: the file was edited"
            )?;
        }
        if let Some((headers, signed)) = &self.expected {
            for (name, value) in headers {
                writeln!(
                    writer,
                    "  expected {}: {}",
                    output::escape_line(name),
                    output::escape_line(value)
                )?;
            }
            writeln!(writer, "  signed bytes: {}", escape_bytes(signed))?;
        }
        Ok(())
    }

    fn to_json(&self) -> Value {
        let mut fields = Map::new();
        fields.insert("type".into(), json!("verification"));
        fields.insert("source".into(), json!(self.recorded.source));
        fields.insert("scheme".into(), json!(self.verdict.scheme));
        fields.insert("valid".into(), json!(self.verdict.is_valid()));
        match &self.verdict.result {
            Ok(timestamp) => fields.insert("timestamp".into(), json!(timestamp)),
            Err(err) => fields.insert("reason".into(), json!(err.to_string())),
        };
        if let Some(d) = &self.diagnosis {
            fields.insert(
                "diagnosis".into(),
                json!({"kind": d.kind, "detail": d.detail}),
            );
        }
        if self.recorded.digest_mismatch {
            fields.insert("body_edited".into(), json!(true));
        }
        if let Some((headers, signed)) = &self.expected {
            fields.insert(
                "expected".into(),
                json!({"headers": output::headers_json(headers), "signed": String::from_utf8_lossy(signed)}),
            );
        }
        Value::Object(fields)
    }
}

/// The signed bytes as one quoted line, with anything unprintable escaped (`Debug` escapes
/// controls, bidi and zero-width characters too).
fn escape_bytes(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

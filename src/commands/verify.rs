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
use crate::records::{Record, VerifySummary};
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

impl Counts {
    fn total(&self) -> u64 {
        self.valid + self.invalid
    }

    fn count_verdict(&mut self, verdict: &Verdict) {
        if verdict.is_valid() {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
    }

    fn count_unreadable(&mut self, unreadable: &Unreadable) {
        self.unreadable += 1;
        if self.unreadable_at.len() < 3 {
            self.unreadable_at.push(output::escape_controls(&format!(
                "{}:{}",
                unreadable.file, unreadable.line
            )));
        }
    }
}

/// What checks each request: the verifier (with its secrets) and the clock.
struct Checker {
    verifier: Verifier,
    clock: Clock,
    show_expected: bool,
}

impl Checker {
    fn from_args(args: &VerifyArgs) -> Result<Self> {
        let secrets = resolve::secrets_from(&args.secret)?;
        if secrets.is_empty() {
            return Err(Error::usage(
                "whk verify needs the shared secret: pass --secret S (repeat it during a key rotation) or --secret-file FILE, or set WHK_SECRET",
            ));
        }
        let tolerance = (!args.tolerance.is_zero()).then_some(args.tolerance.as_secs());
        let verifier = Verifier::new(&secrets, resolve::chosen_scheme(&args.scheme)?, tolerance)?;
        let clock = clock_from(args.now.as_deref())?;
        Ok(Checker {
            verifier,
            clock,
            show_expected: args.show_expected,
        })
    }

    fn report<'a>(&self, recorded: &'a Recorded) -> Report<'a> {
        Report::new(
            &self.verifier,
            recorded,
            self.clock.for_request(recorded),
            self.show_expected,
        )
    }
}

/// The output as it is written, and the counts behind the summary and the exit status.
struct Tally<W: Write> {
    writer: W,
    counts: Counts,
    out: Printer,
}

impl<W: Write> Tally<W> {
    fn result(&mut self, report: &Report) -> Result<()> {
        self.counts.count_verdict(&report.verdict);
        report.write(&mut self.writer, self.out)
    }

    fn unreadable(&mut self, unreadable: &Unreadable) -> Result<()> {
        self.counts.count_unreadable(unreadable);
        if self.out.json {
            writeln!(
                self.writer,
                "{}",
                json!({"type": "unreadable", "file": unreadable.file, "line": unreadable.line, "error": unreadable.error})
            )?;
        } else {
            // After the results before it, where both go to one terminal.
            self.writer.flush()?;
            self.out
                .warn(&output::escape_controls(&format!("{unreadable}; skipped")));
        }
        Ok(())
    }

    /// The summary line, then the exit status.
    fn finish(mut self) -> Result<()> {
        let counts = &self.counts;
        if counts.total() == 0 {
            return Err(nothing_read(counts));
        }
        write_summary(&mut self.writer, counts, self.out)?;
        self.writer.flush()?;
        exit_status(counts)
    }
}

/// Exit status: 1 when any signature failed, else 2 when any line could not be read (an
/// input error), else 0.
pub fn run(args: VerifyArgs, out: Printer) -> Result<()> {
    let checker = Checker::from_args(&args)?;
    // Shared by the two callbacks below: results and skipped lines go out in input order.
    let tally = RefCell::new(Tally {
        writer: BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()),
        counts: Counts::default(),
        out,
    });
    let check = |recorded: Recorded| tally.borrow_mut().result(&checker.report(&recorded));
    let skip = |unreadable: Unreadable| tally.borrow_mut().unreadable(&unreadable);
    match &args.body {
        Some(file) => check(body_request(file, &args.headers)?)?,
        None => read_inputs_skipping(&inputs_or_stdin(&args.inputs)?, check, skip)?,
    }
    tally.into_inner().finish()
}

/// The error when no request at all could be verified.
fn nothing_read(counts: &Counts) -> Error {
    if counts.unreadable > 0 {
        return Error::usage(format!("no request could be read: {}", counts.skipped()));
    }
    Error::usage("the inputs hold no requests to verify")
}

fn write_summary(writer: &mut impl Write, counts: &Counts, out: Printer) -> Result<()> {
    let total = counts.total();
    if out.json {
        writeln!(
            writer,
            "{}",
            VerifySummary {
                total,
                valid: counts.valid,
                invalid: counts.invalid,
                unreadable: counts.unreadable,
            }
            .to_line()
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
    Ok(())
}

fn exit_status(counts: &Counts) -> Result<()> {
    let total = counts.total();
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

fn body_request(file: &str, headers: &[crate::scheme::Header]) -> Result<Recorded> {
    if headers.is_empty() {
        return Err(Error::usage(
            "--body needs the request's signature headers: add --header 'Name: value' for each",
        ));
    }
    Ok(Recorded {
        source: file.to_string(),
        method: "POST".into(),
        target: "/".into(),
        headers: headers.to_vec(),
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
    fn new(verifier: &Verifier, recorded: &'a Recorded, now: i64, show_expected: bool) -> Self {
        let verdict = verifier.check(&recorded.headers, &recorded.body, now);
        let evidence = Evidence {
            headers: &recorded.headers,
            body: &recorded.body,
            now,
        };
        let diagnosis = verifier.diagnose(&evidence, &verdict);
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
        self.write_verdict(writer)?;
        self.write_edited_note(writer)?;
        self.write_expected(writer)
    }

    /// `✓ source  scheme  valid`, or the failure with its diagnosis.
    fn write_verdict(&self, writer: &mut impl Write) -> Result<()> {
        let source = output::escape_line(&self.recorded.source);
        let scheme = self
            .verdict
            .scheme
            .map_or("-".to_string(), |s| s.to_string());
        let Err(err) = &self.verdict.result else {
            let key = self
                .verdict
                .key
                .map_or(String::new(), |k| format!(" (secret #{k})"));
            writeln!(
                writer,
                "{} {source}  {scheme}  {}",
                "✓".green().bold(),
                format!("valid{key}").green()
            )?;
            for note in self.verdict.notes() {
                writeln!(
                    writer,
                    "  {} {}",
                    "warning:".yellow(),
                    output::escape_line(&note.to_string())
                )?;
            }
            return Ok(());
        };
        // Every failure is named by its diagnosis kind, the same word as in --json.
        let kind = self
            .diagnosis
            .as_ref()
            .map_or(String::new(), |d| format!(" ({})", d.kind));
        let reason = err.to_string();
        writeln!(
            writer,
            "{} {source}  {scheme}  {}",
            "✗".red().bold(),
            format!("invalid{kind}: {}", output::escape_line(&reason)).red()
        )?;
        self.write_failure_detail(writer, &reason)
    }

    /// The diagnosis' detail, unless it only repeats the reason; a detail that extends the
    /// reason (stale) adds what to do about it.
    fn write_failure_detail(&self, writer: &mut impl Write, reason: &str) -> Result<()> {
        match self
            .diagnosis
            .as_ref()
            .map(|d| (d.detail.as_str(), d.detail.strip_prefix(reason)))
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
        Ok(())
    }

    fn write_edited_note(&self, writer: &mut impl Write) -> Result<()> {
        if self.recorded.digest_mismatch {
            writeln!(
                writer,
                "  note: the capture's body_sha256 does not match its body: the file was edited"
            )?;
        }
        Ok(())
    }

    /// With --show-expected: the signature headers and the bytes signed.
    fn write_expected(&self, writer: &mut impl Write) -> Result<()> {
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
        if let Some(key) = self.verdict.key {
            fields.insert("key".into(), json!(key));
        }
        match &self.verdict.result {
            Ok(verified) => {
                fields.insert("timestamp".into(), json!(verified.timestamp));
                if !verified.notes.is_empty() {
                    let notes: Vec<String> =
                        verified.notes.iter().map(ToString::to_string).collect();
                    fields.insert("notes".into(), json!(notes));
                }
            }
            Err(err) => {
                fields.insert("reason".into(), json!(err.to_string()));
            }
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

//! `whk send`: compose, sign and POST one delivery, with retries and an expectation.

use std::time::Duration;

use super::resolve;
use crate::cli::SendArgs;
use crate::client::{self, Attempt, Request, RetryPolicy, StatusExpectation, outcome_text};
use crate::delivery::{self, BodySource, Composer, Outgoing};
use crate::error::{Error, Result};
use crate::events::{self, EventType, Profile};
use crate::load;
use crate::output::{Printer, format_latency};
use crate::prompt;
use crate::records::{Delivery, DryRun};

/// Connections in load mode without `--concurrency`.
const DEFAULT_CONCURRENCY: u16 = 10;

pub fn run(args: SendArgs, out: Printer) -> Result<()> {
    check_load_flags(&args)?;
    let (expectation, policy) = resolve::delivery_rules(&args.delivery)?;
    let mut composer = composer_from(&args)?;
    let url = resolve_url(args.url.as_deref(), args.dry_run)?;
    ask_secret_if_prompting(&args, &mut composer)?;
    let outgoing = composer.next_delivery()?;
    // Warn only once the input is known to be good, so a usage error stays one line.
    if composer.signer.is_none() {
        out.warn("no --secret (or WHK_SECRET) given: sending the delivery unsigned");
    }
    let Some(url) = url.filter(|_| !args.dry_run) else {
        return print_dry_run(&outgoing, args.url.as_deref(), out);
    };
    if args.count.is_some() || args.duration.is_some() {
        let plan = load::Plan {
            count: args.count,
            duration: args.duration,
            concurrency: usize::from(args.concurrency.unwrap_or(DEFAULT_CONCURRENCY)),
            rate: args.rate,
            timeout: args.delivery.timeout,
            policy,
            expectation,
            trust: resolve::trust_from(&args.delivery.trust)?,
            duplicates: args.duplicates.unwrap_or(0.0),
            out_of_order: args.out_of_order,
        };
        return super::load::run(plan, url, &composer, out);
    }
    let request = Request {
        method: reqwest::Method::POST,
        url,
        headers: outgoing.headers.clone(),
        body: outgoing.body.clone(),
    };
    let attempts = send_with_retries(
        &request,
        &resolve::trust_from(&args.delivery.trust)?,
        args.delivery.timeout,
        &policy,
        expectation,
        out,
    )?;
    report(&outgoing, &request, &attempts, expectation, out)
}

/// The flags of load mode need `--count` or `--duration`.
fn check_load_flags(args: &SendArgs) -> Result<()> {
    if args.count.is_some() || args.duration.is_some() {
        return Ok(());
    }
    let given = [
        ("--concurrency", args.concurrency.is_some()),
        ("--rate", args.rate.is_some()),
        ("--duplicates", args.duplicates.is_some()),
        ("--out-of-order", args.out_of_order),
    ];
    match given.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(Error::usage(format!(
            "{flag} needs load mode: add --count N or --duration DUR, e.g. --count 1000"
        ))),
        None => Ok(()),
    }
}

/// Everything that decides what is sent, checked before anything goes out.
fn composer_from(args: &SendArgs) -> Result<Composer> {
    let timestamp = args.signing.timestamp;
    let extra_headers = args.headers.clone();
    let source = match &args.data {
        Some(spec) => BodySource::fixed(delivery::data_body(spec, args.raw)?),
        None => BodySource::Sample {
            event: resolve_event(args)?,
            sets: args.payload.sets.clone(),
        },
    };
    let profile = match &source {
        BodySource::Sample { event, .. } => event.profile,
        BodySource::Fixed { .. } => Profile::Georedir,
    };
    let signer = resolve::signer_for_profile(&args.signing, profile)?;
    Ok(Composer {
        source,
        signer,
        timestamp,
        id: args.signing.id.clone(),
        extra_headers,
        rng: delivery::rng_from(args.payload.seed),
    })
}

/// In a session that asked for the event or the URL, also ask for a secret when none is
/// configured (empty sends unsigned).
fn ask_secret_if_prompting(args: &SendArgs, composer: &mut Composer) -> Result<()> {
    let asked =
        (args.event.is_none() && args.data.is_none()) || (args.url.is_none() && !args.dry_run);
    if composer.signer.is_some() || !asked || !prompt::interactive() {
        return Ok(());
    }
    let profile = match &composer.source {
        BodySource::Sample { event, .. } => event.profile,
        BodySource::Fixed { .. } => Profile::Georedir,
    };
    if let Some(secret) = prompt::ask_secret()? {
        composer.signer = Some(resolve::signer_with(&args.signing, profile, &secret)?);
    }
    Ok(())
}

/// The event named on the command line, or chosen from a list on a terminal.
fn resolve_event(args: &SendArgs) -> Result<EventType> {
    let profile = resolve::profile_hint(&args.payload, args.signing.scheme.scheme);
    match &args.event {
        Some(name) => events::find(name, profile),
        None if prompt::interactive() => prompt::choose_event(),
        None => Err(Error::usage(
            "missing EVENT: give one, e.g. `whk send click --url URL` (list them with `whk events`), or send a body with --data",
        )),
    }
}

/// `--url`/`WHK_URL`, asked for on a terminal; a dry run may go without.
fn resolve_url(flag: Option<&str>, dry_run: bool) -> Result<Option<reqwest::Url>> {
    let text = match flag {
        Some(text) => text.to_string(),
        None if dry_run => return Ok(None),
        None if prompt::interactive() => prompt::ask_url()?,
        None => {
            return Err(Error::usage(
                "missing --url: pass --url http://127.0.0.1:3001/webhooks or set WHK_URL",
            ));
        }
    };
    client::parse_url(&text).map(Some)
}

fn send_with_retries(
    request: &Request,
    trust: &client::Trust,
    timeout: Duration,
    policy: &RetryPolicy,
    expectation: StatusExpectation,
    out: Printer,
) -> Result<Vec<Attempt>> {
    let runtime = client::runtime(None)?;
    runtime.block_on(async {
        let http = client::build_client(timeout, trust, client::Reach::of(&request.url))?;
        let note_retry = |attempt: &Attempt, wait: Option<Duration>| {
            if let Some(wait) = wait {
                out.note(&format!(
                    "attempt {} failed: {} after {}; retrying in {}",
                    attempt.number,
                    outcome_text(&attempt.outcome),
                    format_latency(attempt.latency),
                    humantime::format_duration(wait)
                ));
            }
        };
        Ok(client::deliver(&http, request, timeout, policy, expectation, note_retry).await)
    })
}

fn report(
    outgoing: &Outgoing,
    request: &Request,
    attempts: &[Attempt],
    expectation: StatusExpectation,
    out: Printer,
) -> Result<()> {
    let last = attempts.last().expect("deliver makes at least one attempt");
    out.emit(&Delivery::new(outgoing, request, attempts, expectation))?;
    let tries = match attempts.len() {
        1 => String::new(),
        n => format!(" after {n} attempts"),
    };
    match &last.outcome {
        Ok(response) if expectation.matches(response.status) => Ok(()),
        Ok(response) => Err(Error::Failed(format!(
            "{} answered {} {}{tries}; expected {expectation}",
            request.url, response.status, response.reason
        ))),
        Err(failure) => Err(Error::Network(format!(
            "cannot deliver to {}{tries}: {failure}",
            request.url
        ))),
    }
}

fn print_dry_run(outgoing: &Outgoing, url: Option<&str>, out: Printer) -> Result<()> {
    out.emit(&DryRun {
        method: "POST",
        url: url.unwrap_or("(no --url given)").to_string(),
        event: outgoing.event.clone(),
        headers: outgoing.headers.clone(),
        body: String::from_utf8_lossy(&outgoing.body).into_owned(),
    })?;
    out.note("dry run: nothing was sent");
    Ok(())
}

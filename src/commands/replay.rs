//! `whk replay`: resend captured deliveries to a URL, as they were or signed afresh.

use std::sync::Arc;
use std::time::SystemTime;

use super::resolve;
use crate::capture::read::{Recorded, read_inputs};
use crate::cli::ReplayArgs;
use crate::client::{self, Attempt, Request, RetryPolicy, StatusExpectation};
use crate::delivery::{self, Outgoing, Resigner};
use crate::error::{Error, Result};
use crate::events;
use crate::output::{self, Printer};
use crate::records::Delivery;
use crate::scheme::Header;

pub fn run(args: ReplayArgs, out: Printer) -> Result<()> {
    let (expectation, policy) = resolve::delivery_rules(&args.delivery)?;
    let url = client::parse_url(args.url.as_deref().ok_or_else(|| {
        Error::usage("missing --url: pass --url http://127.0.0.1:3001/webhooks or set WHK_URL")
    })?)?;
    let extra: Vec<Header> = args.headers.clone();
    let resigner = resigner_from(&args)?;
    let mut recorded = Vec::new();
    read_inputs(&args.inputs, |r| {
        recorded.push(r);
        Ok(())
    })?;
    if recorded.is_empty() {
        return Err(Error::usage("the inputs hold no requests to replay"));
    }
    let misfits = validate_all(&recorded, &args, out)?;
    let now = events::unix_seconds(SystemTime::now());
    let mut rng = fastrand::Rng::new();
    let mut jobs = Vec::with_capacity(recorded.len());
    for r in recorded {
        let headers = match &resigner {
            Some(resigner) => resigner.headers(&r.source, &r.headers, &r.body, now, &mut rng)?,
            None => r.headers.clone(),
        };
        let headers = delivery::merge_headers(client::copyable_headers(&headers), extra.clone());
        let method =
            reqwest::Method::from_bytes(r.method.as_bytes()).unwrap_or(reqwest::Method::POST);
        let outgoing = Outgoing {
            event: delivery::event_of(&r.body),
            body: r.body.clone(),
            headers: headers.clone(),
        };
        let request = Request {
            method,
            url: url.clone(),
            headers,
            body: r.body.clone(),
        };
        jobs.push((r.source, outgoing, request));
    }
    let results = send_all(jobs, &args, &policy, expectation, out)?;
    conclude(&results, expectation)?;
    match misfits {
        0 => Ok(()),
        n => Err(Error::Failed(format!(
            "{n} of {} payloads do not fit their event's schema (--validate)",
            results.len()
        ))),
    }
}

/// `--validate`: a warning for each payload that does not fit its event's schema; how many.
fn validate_all(recorded: &[Recorded], args: &ReplayArgs, out: Printer) -> Result<usize> {
    let Some(schemas) = resolve::schemas_from(&args.validate)? else {
        return Ok(0);
    };
    let mut misfits = 0;
    for r in recorded {
        let validation = schemas.check(delivery::event_of(&r.body).as_deref(), &r.body);
        if !validation.valid {
            misfits += 1;
        }
        if !validation.problems.is_empty() {
            out.warn(&output::escape_line(&format!(
                "{}: {}",
                r.source,
                validation.text()
            )));
        }
    }
    Ok(misfits)
}

fn resigner_from(args: &ReplayArgs) -> Result<Option<Resigner>> {
    if !args.resign {
        return Ok(None);
    }
    let secret = resolve::secret_from(&args.secret)?.ok_or_else(|| {
        Error::usage("--resign needs the secret to sign with: pass --secret S or --secret-file FILE, or set WHK_SECRET")
    })?;
    Ok(Some(Resigner {
        secret,
        scheme: resolve::chosen_scheme(&args.scheme)?,
    }))
}

type Job = (String, Outgoing, Request);

/// Sends every job with at most `--concurrency` in flight, reporting each as it finishes.
fn send_all(
    jobs: Vec<Job>,
    args: &ReplayArgs,
    policy: &RetryPolicy,
    expectation: StatusExpectation,
    out: Printer,
) -> Result<Vec<Vec<Attempt>>> {
    let runtime = client::runtime(None)?;
    let timeout = args.delivery.timeout;
    let trust = resolve::trust_from(&args.delivery.trust)?;
    // Roots are read only when some delivery goes over https.
    let reach = if jobs
        .iter()
        .all(|(_, _, r)| client::Reach::of(&r.url) == client::Reach::PlainOnly)
    {
        client::Reach::PlainOnly
    } else {
        client::Reach::Any
    };
    runtime.block_on(async {
        let http = client::build_client(timeout, &trust, reach)?;
        let permits = Arc::new(tokio::sync::Semaphore::new(usize::from(args.concurrency)));
        let jobs: Vec<Arc<Job>> = jobs.into_iter().map(Arc::new).collect();
        let mut tasks = tokio::task::JoinSet::new();
        for (index, job) in jobs.iter().enumerate() {
            let (http, permits, job, policy) =
                (http.clone(), permits.clone(), job.clone(), policy.clone());
            tasks.spawn(async move {
                let _permit = permits
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let attempts =
                    client::deliver(&http, &job.2, timeout, &policy, expectation, |_, _| {}).await;
                (index, attempts)
            });
        }
        let mut results = vec![Vec::new(); jobs.len()];
        while let Some(joined) = tasks.join_next().await {
            let (index, attempts) =
                joined.map_err(|err| Error::Network(format!("a replay task failed: {err}")))?;
            let (source, outgoing, request) = &*jobs[index];
            report_one(source, outgoing, request, &attempts, expectation, out)?;
            results[index] = attempts;
        }
        Ok(results)
    })
}

fn report_one(
    source: &str,
    outgoing: &Outgoing,
    request: &Request,
    attempts: &[Attempt],
    expectation: StatusExpectation,
    out: Printer,
) -> Result<()> {
    let mut delivery = Delivery::new(outgoing, request, attempts, expectation);
    delivery.source = Some(source.to_string());
    out.emit(&delivery)
}

/// Exit 3 if any delivery got no answer, else 1 if any answer was unexpected.
fn conclude(results: &[Vec<Attempt>], expectation: StatusExpectation) -> Result<()> {
    let last_outcomes = results
        .iter()
        .filter_map(|attempts| attempts.last().map(|a| &a.outcome));
    let (mut unanswered, mut unexpected) = (0, 0);
    for outcome in last_outcomes {
        match outcome {
            Err(_) => unanswered += 1,
            Ok(response) if !expectation.matches(response.status) => unexpected += 1,
            Ok(_) => {}
        }
    }
    let total = results.len();
    if unanswered > 0 {
        return Err(Error::Network(format!(
            "{unanswered} of {total} replays got no answer"
        )));
    }
    if unexpected > 0 {
        return Err(Error::Failed(format!(
            "{unexpected} of {total} replays were answered with a status other than {expectation}"
        )));
    }
    Ok(())
}

//! `whk listen`: bind, run the pipeline on a worker pool, stop on --count, --timeout or a
//! signal, and end with a summary and the CI verdict.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;

use crate::cli::ListenArgs;
use crate::delivery;
use crate::error::{Error, Result};
use crate::listen::{Forwarder, Pipeline, Responder, Stop};
use crate::output::Printer;
use crate::server::Server;
use crate::verify::Verifier;

pub fn run(args: ListenArgs, out: Printer) -> Result<()> {
    let pipeline = pipeline_from(&args, out)?;
    let server = Server::bind(&args.host, args.port)?;
    if args.host == "0.0.0.0" || args.host == "::" || args.host == "[::]" {
        out.warn(
            "listening on every interface: anyone who can reach this machine can send deliveries",
        );
    }
    let (stop_tx, stop_rx) = mpsc::channel();
    *pipeline.stop.lock().expect("not yet shared") = Some(stop_tx.clone());
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(Stop::Signal);
    })
    .map_err(|err| Error::Network(format!("cannot install the Ctrl-C handler: {err}")))?;
    let pipeline = Arc::new(pipeline);
    let workers = if args.delay.is_some() || args.forward_to.is_some() {
        64
    } else {
        4
    };
    let (handler, refused) = (pipeline.clone(), pipeline.clone());
    let workers = server.serve(
        workers,
        args.max_body,
        Arc::new(move |incoming| handler.handle(incoming)),
        Arc::new(move |refusal| refused.refused(refusal)),
    );
    // Only now: a script that waits for this line may signal or send at once.
    announce(&server, &args, out);
    let stop = match args.timeout {
        Some(limit) => stop_rx.recv_timeout(limit).unwrap_or(Stop::Timeout),
        None => stop_rx.recv().unwrap_or(Stop::Signal),
    };
    // Answer what is in hand before exiting: the Nth delivery's sender must get its response
    // (which --delay holds back after the delivery was counted).
    let grace = Duration::from_secs(3) + args.delay.unwrap_or_default();
    server.drain(workers, grace);
    finish(&pipeline, &args, stop, out)
}

/// Checks every flag and builds the pipeline before the port is bound.
fn pipeline_from(args: &ListenArgs, out: Printer) -> Result<Pipeline> {
    if args.status.iter().any(|s| !(100..=599).contains(s)) {
        return Err(Error::usage(
            "--status takes HTTP codes from 100 to 599, e.g. --status 500,500,200",
        ));
    }
    let body = match args.response_body.as_deref() {
        Some(spec) if spec.starts_with('@') => {
            delivery::read_source(&spec[1..], "--response-body")?
        }
        Some(text) => text.as_bytes().to_vec(),
        None => Vec::new(),
    };
    let mut responder = Responder::new(
        args.status.clone(),
        body,
        args.delay.unwrap_or(Duration::ZERO),
    );
    responder.fail_first = args.fail_first;
    responder.fail_rate = args.fail_rate;
    responder.rng = std::sync::Mutex::new(delivery::rng_from(args.seed));
    let mut pipeline = Pipeline::new(out, responder);
    let secret = delivery::secret_from(&args.secret)?;
    if args.require_valid && secret.is_none() {
        return Err(Error::usage(
            "--require-valid needs the secret to check with: pass --secret or set WHK_SECRET",
        ));
    }
    let tolerance = (!args.tolerance.is_zero()).then_some(args.tolerance.as_secs());
    if let Some(secret) = secret {
        pipeline.verifier = Some(Verifier::new(
            &secret,
            delivery::chosen_scheme(&args.scheme)?,
            tolerance,
        )?);
    }
    pipeline.only_events = args.events.clone();
    pipeline.show_headers = args.headers;
    pipeline.count = args.count;
    pipeline.forwarder = args
        .forward_to
        .as_deref()
        .map(|url| Forwarder::new(url, args.forward_timeout))
        .transpose()?;
    pipeline.sink = args
        .save
        .as_deref()
        .map(crate::capture::Sink::open)
        .transpose()?;
    Ok(pipeline)
}

/// Says where the listener is, on stderr, so a script can wait for it.
fn announce(server: &Server, args: &ListenArgs, out: Printer) {
    let url = format!("http://{}", server.addr);
    if out.json {
        eprintln!(
            "{}",
            json!({"type": "listening", "url": url, "port": server.addr.port()})
        );
        return;
    }
    out.note(&format!("listening on {url}  (any path; Ctrl-C to stop)"));
    if let Some(path) = &args.save {
        out.note(&format!("saving deliveries to {}", path.display()));
    }
    if let Some(target) = &args.forward_to {
        out.note(&format!("forwarding deliveries to {target}"));
    }
}

fn finish(pipeline: &Pipeline, args: &ListenArgs, stop: Stop, out: Printer) -> Result<()> {
    let tally = pipeline.tally.lock().unwrap_or_else(|p| p.into_inner());
    if out.json {
        out.json_line(&tally.to_json())?;
    } else if !out.quiet || stop != Stop::Count {
        eprintln!("{}", tally.to_text());
    }
    if let (Stop::Timeout, Some(wanted)) = (stop, args.count)
        && tally.deliveries < wanted
    {
        return Err(Error::Failed(format!(
            "only {} of {wanted} deliveries arrived within {}",
            tally.deliveries,
            humantime::format_duration(args.timeout.unwrap_or_default())
        )));
    }
    if args.require_valid && tally.invalid > 0 {
        return Err(Error::Failed(format!(
            "{} of {} deliveries had a missing or bad signature (--require-valid)",
            tally.invalid, tally.deliveries
        )));
    }
    Ok(())
}

//! `whk demo`: a listener and a sender in one process. Every event of a profile is signed,
//! sent, received, verified and printed from both sides; exit 0 when all went through.

use std::sync::Arc;
use std::time::Duration;

use colored::Colorize;
use serde_json::json;

use crate::cli::DemoArgs;
use crate::client::{self, Request};
use crate::delivery::{BodySource, Composer};
use crate::error::{Error, Result};
use crate::events::{CATALOGUE, Profile};
use crate::listen::{Pipeline, Responder};
use crate::output::{self, Printer};
use crate::scheme::{Custom, Encoding, Scheme, SchemeName, Signer};
use crate::secret::{self, Secret};
use crate::server::{Config, Limits, Server};
use crate::verify::Verifier;

pub fn run(args: DemoArgs, out: Printer) -> Result<()> {
    let custom = Custom {
        header: "X-Signature".into(),
        prefix: "sha256=".into(),
        encoding: Encoding::Hex,
    };
    let scheme = Scheme::from_name(args.scheme, Some(custom))?;
    let profile = Profile::for_scheme(args.profile, Some(args.scheme));
    let mut rng = crate::delivery::rng_from(args.seed);
    let secret = Secret::new(secret::generate(
        args.scheme == SchemeName::Standard,
        &mut rng,
    ));

    let server = Server::bind("127.0.0.1", 0)?;
    let url = client::parse_url(&format!("http://{}/webhooks", server.addr))?;
    let addr = server.addr;
    let pipeline = Arc::new(listener_pipeline(&secret, &scheme, out)?);
    let config = Config {
        limits: Limits::default(),
        tls: None,
        blocking_handler: false,
        threads: 1,
    };
    let _running = super::listen::serve_pipeline(server, config, &pipeline)?;
    out.note(&format!(
        "whk demo: a listener on {} and a sender, signing every {} event with {} ({})",
        addr,
        profile.name(),
        scheme.name(),
        secret.hint()
    ));

    let mut composer = Composer {
        source: BodySource::fixed(Vec::new()),
        signer: Some(Signer::new(scheme.clone(), &secret)?),
        timestamp: None,
        id: None,
        extra_headers: Vec::new(),
        rng,
    };
    let runtime = client::runtime(None)?;
    let http = client::build_client(Duration::from_secs(10), &client::Trust::default())?;
    let mut accepted = 0;
    let events: Vec<_> = CATALOGUE.iter().filter(|e| e.profile == profile).collect();
    for event in &events {
        composer.source = BodySource::Sample {
            event: **event,
            sets: Vec::new(),
        };
        let outgoing = composer.next_delivery()?;
        let signature = outgoing
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(scheme.signature_header()))
            .map(|(name, value)| format!("{name}: {}…", value.chars().take(16).collect::<String>()))
            .unwrap_or_default();
        if !out.json {
            out.line(&format!(
                "{} {:<16} POST {}  {}",
                "→ send  ".bold(),
                event.name.cyan(),
                url.path(),
                signature.dimmed()
            ))?;
        }
        let request = Request {
            method: reqwest::Method::POST,
            url: url.clone(),
            headers: outgoing.headers,
            body: outgoing.body,
        };
        let (latency, outcome) =
            runtime.block_on(client::attempt(&http, &request, Duration::from_secs(10)));
        let ok = matches!(&outcome, Ok(r) if (200..300).contains(&r.status));
        accepted += usize::from(ok);
        let result = match &outcome {
            Ok(response) => format!("{} {}", response.status, response.reason),
            Err(failure) => failure.to_string(),
        };
        if out.json {
            out.json_line(&json!({"type": "sent", "event": event.name, "ok": ok, "result": result, "latency_ms": output::latency_ms(latency)}))?;
        } else {
            let result = if ok { result.green() } else { result.red() };
            out.line(&format!(
                "{} {result} in {}",
                "→ answer".bold(),
                output::format_latency(latency)
            ))?;
        }
    }
    summarise(&pipeline, events.len(), accepted, out)
}

fn listener_pipeline(secret: &Secret, scheme: &Scheme, out: Printer) -> Result<Pipeline> {
    let mut pipeline = Pipeline::new(
        out,
        Responder::new(vec![200], br#"{"received":true}"#.to_vec(), Duration::ZERO),
    );
    // Detect the scheme from the headers, as `whk listen` does, unless it cannot be told.
    let fixed = matches!(scheme, Scheme::Custom(_)).then(|| scheme.clone());
    pipeline.verifier = Some(Verifier::new(secret, fixed, Some(300))?);
    pipeline.label = "  ← listen  ";
    Ok(pipeline)
}

fn summarise(pipeline: &Pipeline, sent: usize, accepted: usize, out: Printer) -> Result<()> {
    let tally = pipeline.tally.lock().unwrap_or_else(|p| p.into_inner());
    if out.json {
        out.json_line(&tally.to_json())?;
    } else {
        out.line(&format!(
            "\n{sent} sent, {accepted} accepted; listener: {}",
            tally.to_text()
        ))?;
    }
    if accepted == sent && tally.valid == sent as u64 {
        out.note("next: `whk listen` to receive from your own sender, `whk send EVENT --url URL` to test your receiver");
        Ok(())
    } else {
        Err(Error::Failed(format!(
            "{accepted} of {sent} deliveries were accepted and {} verified",
            tally.valid
        )))
    }
}

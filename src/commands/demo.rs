//! `whk demo`: a listener and a sender in one process. Every event of a profile is signed,
//! sent, received, verified and printed from both sides; exit 0 when all went through.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use colored::Colorize;
use reqwest::Url;
use tokio::runtime::Runtime;

use crate::cli::DemoArgs;
use crate::client::{self, NetFailure, Request, Response, outcome_text};
use crate::delivery::{BodySource, Composer};
use crate::error::{Error, Result};
use crate::events::{CATALOGUE, EventType, Profile};
use crate::listen::{Pipeline, Responder};
use crate::output::Printer;
use crate::records::{Record, Sent};
use crate::scheme::{Custom, Encoding, Header, Scheme, SchemeName, Signer};
use crate::secret::{self, Secret};
use crate::server::{Config, Limits, Running, Server};
use crate::sync::lock;
use crate::verify::Verifier;

/// How long the sender waits for each answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(args: DemoArgs, out: Printer) -> Result<()> {
    let scheme = demo_scheme(args.scheme)?;
    let profile = Profile::for_scheme(args.profile, Some(args.scheme));
    let mut rng = crate::delivery::rng_from(args.seed);
    let secret = Secret::new(secret::generate(
        args.scheme == SchemeName::Standard,
        &mut rng,
    ));
    let listener = Listener::start(&secret, &scheme, out)?;
    out.note(&format!(
        "whk demo: a listener on {} and a sender, signing every {} event with {} ({})",
        listener.addr,
        profile.name(),
        scheme.name(),
        secret.hint()
    ));
    let mut sender = Sender::new(&scheme, &secret, rng, listener.url.clone())?;
    let events: Vec<_> = CATALOGUE.iter().filter(|e| e.profile == profile).collect();
    let mut accepted = 0;
    for event in &events {
        accepted += usize::from(sender.send(event, out)?);
    }
    summarise(&listener.pipeline, events.len(), accepted, out)
}

/// The scheme chosen, with the header and encoding `custom` signs with here.
fn demo_scheme(name: SchemeName) -> Result<Scheme> {
    let custom = Custom {
        header: "X-Signature".into(),
        prefix: "sha256=".into(),
        encoding: Encoding::Hex,
    };
    Scheme::from_name(name, Some(custom))
}

/// The receiving half: a verifying listener on an ephemeral port of 127.0.0.1.
struct Listener {
    addr: SocketAddr,
    url: Url,
    /// Held for the whole demo.
    _running: Running,
    pipeline: Arc<Pipeline>,
}

impl Listener {
    fn start(secret: &Secret, scheme: &Scheme, out: Printer) -> Result<Self> {
        let server = Server::bind("127.0.0.1", 0)?;
        let addr = server.addr;
        let url = client::parse_url(&format!("http://{addr}/webhooks"))?;
        let pipeline = Arc::new(listener_pipeline(secret, scheme, out)?);
        let config = Config {
            limits: Limits::default(),
            tls: None,
            blocking_handler: false,
            threads: 1,
        };
        let running = super::listen::serve_pipeline(server, config, &pipeline)?;
        Ok(Listener {
            addr,
            url,
            _running: running,
            pipeline,
        })
    }
}

/// The sending half: signs each event's sample and posts it to the listener.
struct Sender {
    http: reqwest::Client,
    runtime: Runtime,
    composer: Composer,
    url: Url,
    signature_header: String,
}

impl Sender {
    fn new(scheme: &Scheme, secret: &Secret, rng: fastrand::Rng, url: Url) -> Result<Self> {
        let composer = Composer {
            source: BodySource::fixed(Vec::new()),
            signer: Some(Signer::new(scheme.clone(), secret)?),
            timestamp: None,
            id: None,
            extra_headers: Vec::new(),
            rng,
        };
        let runtime = client::runtime(None)?;
        let http = client::build_client(
            SEND_TIMEOUT,
            &client::Trust::default(),
            client::Reach::PlainOnly,
        )?;
        Ok(Sender {
            http,
            runtime,
            composer,
            url,
            signature_header: scheme.signature_header().to_string(),
        })
    }

    /// Sends one sample of `event` and prints it and its answer; true when accepted (2xx).
    fn send(&mut self, event: &EventType, out: Printer) -> Result<bool> {
        self.composer.source = BodySource::Sample {
            event: *event,
            sets: Vec::new(),
        };
        let outgoing = self.composer.next_delivery()?;
        if !out.json {
            let signature = signature_excerpt(&outgoing.headers, &self.signature_header);
            out.line(&format!(
                "{} {:<16} POST {}  {}",
                "→ send  ".bold(),
                event.name.cyan(),
                self.url.path(),
                signature.dimmed()
            ))?;
        }
        let request = Request {
            method: reqwest::Method::POST,
            url: self.url.clone(),
            headers: outgoing.headers,
            body: outgoing.body,
        };
        let (latency, outcome) =
            self.runtime
                .block_on(client::attempt(&self.http, &request, SEND_TIMEOUT));
        let ok = matches!(&outcome, Ok(r) if (200..300).contains(&r.status));
        print_answer(event, ok, latency, &outcome, out)?;
        Ok(ok)
    }
}

/// `Name: ` and the first 16 characters of the signature header's value, if it was sent.
fn signature_excerpt(headers: &[Header], signature_header: &str) -> String {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(signature_header))
        .map(|(name, value)| format!("{name}: {}…", value.chars().take(16).collect::<String>()))
        .unwrap_or_default()
}

fn print_answer(
    event: &EventType,
    ok: bool,
    latency: Duration,
    outcome: &std::result::Result<Response, NetFailure>,
    out: Printer,
) -> Result<()> {
    out.emit(&Sent {
        event: event.name,
        ok,
        result: outcome_text(outcome),
        latency,
    })
}

fn listener_pipeline(secret: &Secret, scheme: &Scheme, out: Printer) -> Result<Pipeline> {
    let mut pipeline = Pipeline::new(
        out,
        Responder::new(vec![200], br#"{"received":true}"#.to_vec(), Duration::ZERO),
    );
    // Detect the scheme from the headers, as `whk listen` does, unless it cannot be told.
    let fixed = (scheme.name() == SchemeName::Custom).then(|| scheme.clone());
    pipeline.verifier = Some(Verifier::new(
        std::slice::from_ref(secret),
        fixed,
        Some(300),
    )?);
    pipeline.label = "  ← listen  ";
    Ok(pipeline)
}

fn summarise(pipeline: &Pipeline, sent: usize, accepted: usize, out: Printer) -> Result<()> {
    let tally = lock(&pipeline.tally);
    if out.json {
        out.line(&tally.to_line())?;
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

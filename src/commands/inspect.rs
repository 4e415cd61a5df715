//! `whk inspect`: saved deliveries in the web inspector, and the inspector's start-up that
//! `whk listen --ui` shares (serve, announce, open the browser).

use std::sync::Arc;
use std::sync::mpsc;

use super::resolve;
use crate::capture::read::read_inputs;
use crate::cli::{InspectArgs, InspectorArgs, SchemeArgs, SecretArgs, TrustArgs};
use crate::client;
use crate::error::{Error, Result};
use crate::inspect::{self, Checker, Inspector, ReplayTarget, Settings};
use crate::output::{self, Printer};
use crate::records::{Inspecting, Record};
use crate::verify::Verifier;

/// The inspector's port unless `--ui-port` says otherwise (ngrok's, which people know).
const DEFAULT_UI_PORT: u16 = 4040;
/// How far a signed timestamp may be from when the delivery arrived.
const TOLERANCE_SECONDS: u64 = 300;

pub fn run(args: InspectArgs, out: Printer) -> Result<()> {
    let settings = Settings {
        live: false,
        checker: checker_from(&args.secret, &args.scheme, Some(TOLERANCE_SECONDS))?,
        replay: replay_target(args.forward_to.as_deref(), &args.trust)?,
        curl_base: args
            .forward_to
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:3001".into()),
        title: args.inputs.join(", "),
    };
    let inspector = Inspector::new(settings);
    read_inputs(&args.inputs, |recorded| {
        inspector.add_recorded(recorded);
        Ok(())
    })?;
    if inspector.len() == 0 {
        return Err(Error::usage("the inputs hold no requests to inspect"));
    }
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|err| Error::Network(format!("cannot install the Ctrl-C handler: {err}")))?;
    let running = inspect::serve(
        inspector.clone(),
        args.inspector.ui_port.unwrap_or(DEFAULT_UI_PORT),
    )?;
    if out.json {
        let line = Inspecting {
            url: running.url.clone(),
            port: running.addr.port(),
            deliveries: inspector.len(),
        };
        output::to_stderr(&line.to_line());
    } else {
        output::to_stderr(&format!(
            "inspector on {}  ({} deliveries from {}; Ctrl-C to stop)",
            running.url,
            inspector.len(),
            args.inputs.join(", ")
        ));
    }
    open_if_asked(&args.inspector, &running.url, out);
    let _ = stop_rx.recv();
    Ok(())
}

/// Starts the inspector for `whk listen --ui`; its URL is announced with the listener's.
pub fn start_live(inspector: Arc<Inspector>, args: &InspectorArgs) -> Result<inspect::Running> {
    inspect::serve(inspector, args.ui_port.unwrap_or(DEFAULT_UI_PORT))
}

/// `--open`: the default browser on `url`; a failure is a warning, not an error.
pub fn open_if_asked(args: &InspectorArgs, url: &str, out: Printer) {
    if args.open
        && let Err(err) = open::that_detached(url)
    {
        out.warn(&format!(
            "cannot open a browser ({err}); open {url} yourself"
        ));
    }
}

/// The secret and scheme the inspector verifies and re-signs with, if a secret was given.
pub fn checker_from(
    secret: &SecretArgs,
    scheme: &SchemeArgs,
    tolerance: Option<u64>,
) -> Result<Option<Checker>> {
    let secrets = resolve::secrets_from(secret)?;
    if secrets.is_empty() {
        return Ok(None);
    }
    let scheme = resolve::chosen_scheme(scheme)?;
    let verifier = Verifier::new(&secrets, scheme.clone(), tolerance)?;
    Ok(Some(Checker {
        secrets,
        scheme,
        verifier,
    }))
}

/// Where replays from the page go by default, and the client that sends them.
pub fn replay_target(forward_to: Option<&str>, trust: &TrustArgs) -> Result<ReplayTarget> {
    let forward_to = forward_to.map(client::parse_url).transpose()?;
    let trust = resolve::trust_from(trust)?;
    Ok(ReplayTarget {
        forward_to,
        client: client::build_client(inspect::REPLAY_TIMEOUT, &trust, client::Reach::Any)?,
    })
}

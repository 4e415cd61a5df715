//! `whk listen`: bind, serve the pipeline, stop on --count, --timeout, a closed stdout or a
//! signal, and end with a summary and the CI verdict.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use super::resolve;
use crate::cli::{ListenArgs, ListenTlsArgs};
use crate::config::{self, Project};
use crate::delivery;
use crate::error::{Error, Result};
use crate::events;
use crate::inspect::{Inspector, Settings};
use crate::listen::{Exec, Forwarder, Pipeline, Responder, Route, Stop};
use crate::output::{self, Printer};
use crate::records::{Listening, ListeningTls, Record};
use crate::server::{self, Config, Limits, Server};
use crate::sync::lock;
use crate::tls::Identity;
use crate::verify::Verifier;

pub fn run(args: ListenArgs, project: Option<&Project>, out: Printer) -> Result<()> {
    let mut pipeline = pipeline_from(&args, project, out)?;
    let identity = identity_from(&args.tls)?;
    let server = Server::bind(&args.host, args.port)?;
    let tls = match identity {
        Some(identity) => Some(TlsFacts::publish(identity, &args.tls, server.addr.port())?),
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let listen_url = format!("{scheme}://{}", server.addr);
    let ui = match wants_ui(&args) {
        true => {
            let inspector = live_inspector(&args, &listen_url)?;
            pipeline.inspector = Some(inspector.clone());
            Some(super::inspect::start_live(inspector, &args.inspector)?)
        }
        false => None,
    };
    if !server.addr.ip().is_loopback() {
        out.warn(&format!(
            "listening on {} (not loopback): anyone who can reach this machine can send deliveries",
            server.addr.ip()
        ));
    }
    let (stop_tx, stop_rx) = mpsc::channel();
    *pipeline.stop.lock().expect("not yet shared") = Some(stop_tx.clone());
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(Stop::Signal);
    })
    .map_err(|err| Error::Network(format!("cannot install the Ctrl-C handler: {err}")))?;
    let pipeline = Arc::new(pipeline);
    let config = Config {
        limits: limits_from(&args),
        tls: tls.as_ref().map(|t| t.config.clone()),
        blocking_handler: args.forward_to.is_some()
            || pipeline.routes.iter().any(|r| r.forwarder.is_some()),
        threads: 0,
    };
    let addr = server.addr;
    let running = serve_pipeline(server, config, &pipeline)?;
    // Only now: a script that waits for this line may signal or send at once.
    let ui_url = ui.as_ref().map(|running| running.url.clone());
    announce(addr, tls.as_ref(), ui_url.as_deref(), &args, out);
    if let Some(url) = &ui_url {
        super::inspect::open_if_asked(&args.inspector, url, out);
    }
    let stop = match args.timeout {
        Some(limit) => stop_rx.recv_timeout(limit).unwrap_or(Stop::Timeout),
        None => stop_rx.recv().unwrap_or(Stop::Signal),
    };
    // Answer what is in hand before exiting: the Nth delivery's sender must get its response
    // (which --delay holds back after the delivery was counted).
    running.drain(Duration::from_secs(3) + args.delay.unwrap_or_default());
    finish(&pipeline, &args, stop, out)
}

/// Starts serving `pipeline` on `server`: the one wiring of pipeline and server, shared
/// with `whk demo`.
pub fn serve_pipeline(
    server: Server,
    config: Config,
    pipeline: &Arc<Pipeline>,
) -> Result<server::Running> {
    let (handler, refused, trouble) = (pipeline.clone(), pipeline.clone(), pipeline.clone());
    server.serve(
        config,
        Arc::new(move |incoming| handler.handle(incoming)),
        Arc::new(move |refusal| refused.refused(refusal)),
        Arc::new(move |problem| trouble.accept_trouble(problem)),
    )
}

/// `--ui`, or a flag that only makes sense with it.
fn wants_ui(args: &ListenArgs) -> bool {
    args.ui || args.inspector.ui_port.is_some() || args.inspector.open
}

/// The inspector the pipeline feeds: the listener's secret and `--forward-to`.
fn live_inspector(args: &ListenArgs, listen_url: &str) -> Result<Arc<Inspector>> {
    let tolerance = (!args.tolerance.is_zero()).then_some(args.tolerance.as_secs());
    Ok(Inspector::new(Settings {
        live: true,
        checker: super::inspect::checker_from(&args.secret, &args.scheme, tolerance)?,
        replay: super::inspect::replay_target(args.forward_to.as_deref(), &args.trust)?,
        curl_base: listen_url.to_string(),
        title: format!("listening on {listen_url}"),
    }))
}

fn limits_from(args: &ListenArgs) -> Limits {
    Limits {
        header_bytes: args.limits.max_header_bytes,
        header_count: args.limits.max_headers,
        max_body: args.max_body,
        read_timeout: args.limits.read_timeout,
        connections: args.limits.max_connections as usize,
    }
}

/// Checks every flag and builds the pipeline before the port is bound.
fn pipeline_from(args: &ListenArgs, project: Option<&Project>, out: Printer) -> Result<Pipeline> {
    check_limits(args)?;
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
    let secrets = resolve::secrets_from(&args.secret)?;
    for (wanted, flag) in [
        (args.require_valid, "--require-valid"),
        (args.reject_invalid, "--reject-invalid"),
    ] {
        if wanted && secrets.is_empty() {
            return Err(Error::usage(format!(
                "{flag} needs the secret to check with: pass --secret or set WHK_SECRET"
            )));
        }
    }
    let tolerance = (!args.tolerance.is_zero()).then_some(args.tolerance.as_secs());
    if !secrets.is_empty() {
        pipeline.verifier = Some(Verifier::new(
            &secrets,
            resolve::chosen_scheme(&args.scheme)?,
            tolerance,
        )?);
    }
    pipeline.only_events = checked_events(&args.events, out)?;
    pipeline.show_headers = args.headers || out.verbose > 0;
    pipeline.reject_invalid = args.reject_invalid;
    pipeline.count = args.count;
    let trust = resolve::trust_from(&args.trust)?;
    pipeline.forwarder = args
        .forward_to
        .as_deref()
        .map(|url| Forwarder::new(url, args.forward_timeout, &trust))
        .transpose()?;
    pipeline.sink = args
        .save
        .as_deref()
        .map(crate::capture::Sink::open)
        .transpose()?;
    add_commands_and_routes(&mut pipeline, args, project)?;
    Ok(pipeline)
}

/// `--exec`, `--validate` and whk.toml's routes.
fn add_commands_and_routes(
    pipeline: &mut Pipeline,
    args: &ListenArgs,
    project: Option<&Project>,
) -> Result<()> {
    // Every command, --exec's and the routes', shares the one --exec-concurrency bound.
    let permits = Arc::new(tokio::sync::Semaphore::new(
        args.exec.exec_concurrency as usize,
    ));
    let exec_for = |command: &str| {
        Arc::new(Exec {
            command: command.to_string(),
            timeout: args.exec.exec_timeout,
            permits: permits.clone(),
        })
    };
    pipeline.exec = args.exec.exec.as_deref().map(exec_for);
    pipeline.exec_answers = args.exec.exec_answers;
    pipeline.schemas = resolve::schemas_from(&args.validate)?;
    if let Some(project) = project {
        add_project_routes(pipeline, args, project, &exec_for)?;
    }
    Ok(())
}

/// whk.toml's routes, each with its own verifier, forward target and command.
fn add_project_routes(
    pipeline: &mut Pipeline,
    args: &ListenArgs,
    project: &Project,
    exec_for: &dyn Fn(&str) -> Arc<Exec>,
) -> Result<()> {
    let trust = resolve::trust_from(&args.trust)?;
    let fallback_secrets = resolve::secrets_from(&args.secret)?;
    for route in &project.routes {
        // `whk.toml:7: forward_to: invalid URL … (route "link.*")`
        let at = |key: &'static str| {
            move |err: Error| {
                Error::usage(format!(
                    "{}:{}: {key}: {err} (route \"{}\")",
                    project.path.display(),
                    route.line_of(key),
                    route.events
                ))
            }
        };
        let verifier = route_verifier(route, args, &fallback_secrets, &at)?;
        let forwarder = match &route.forward_to {
            Some(url) => {
                let mut forwarder =
                    Forwarder::new(url, args.forward_timeout, &trust).map_err(at("forward_to"))?;
                forwarder.exact = true;
                Some(forwarder)
            }
            None => None,
        };
        pipeline.routes.push(Route {
            events: route.events.clone(),
            verifier,
            forwarder,
            exec: route.exec.as_deref().map(exec_for),
        });
    }
    Ok(())
}

/// What checks a route's deliveries: its own secret (else --secret) with its own scheme (else
/// --scheme, else detected); none without a secret.
/// `at(key)` puts the line of a route's key on an error about it.
fn route_verifier<E: Fn(Error) -> Error>(
    route: &config::Route,
    args: &ListenArgs,
    fallback: &[crate::secret::Secret],
    at: &dyn Fn(&'static str) -> E,
) -> Result<Option<Verifier>> {
    let secrets = match route_secret(route).map_err(at("secret"))? {
        Some(secret) => vec![secret],
        None => fallback.to_vec(),
    };
    let scheme = route
        .scheme
        .as_deref()
        .map(resolve::scheme_named)
        .transpose()
        .map_err(at("scheme"))?;
    let tolerance = (!args.tolerance.is_zero()).then_some(args.tolerance.as_secs());
    match (secrets.is_empty(), scheme) {
        (false, scheme) => {
            let scheme = scheme.or(resolve::chosen_scheme(&args.scheme)?);
            // A secret that does not suit the scheme: the route's own, or its scheme's fault
            // when the secret came from --secret.
            let blamed = if route.secret.is_some() {
                "secret"
            } else {
                "scheme"
            };
            Verifier::new(&secrets, scheme, tolerance)
                .map(Some)
                .map_err(at(blamed))
        }
        (true, Some(_)) => Err(at("scheme")(Error::usage(
            "a scheme without a secret; add secret_env or secret_file, or pass --secret",
        ))),
        (true, None) => Ok(None),
    }
}

/// A route's own secret, when it names one.
fn route_secret(route: &config::Route) -> Result<Option<crate::secret::Secret>> {
    use crate::secret::Secret;
    match &route.secret {
        None => Ok(None),
        Some(config::SecretSource::Inline(value)) => Ok(Some(Secret::new(value.clone()))),
        Some(config::SecretSource::File(path)) => Secret::from_file(path).map(Some),
        Some(config::SecretSource::Env(name)) => match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(Some(Secret::new(value))),
            _ => Err(Error::usage(format!(
                "secret_env names {name}, which is not set"
            ))),
        },
    }
}

/// Bounds on the limits themselves: each must protect something (not 0) and stay within
/// what the listener can hold without risk (a day, 1 MiB of head, 10,000 headers).
fn check_limits(args: &ListenArgs) -> Result<()> {
    const DAY: Duration = Duration::from_secs(24 * 3600);
    let limits = &args.limits;
    let problem = if limits.read_timeout.is_zero() || limits.read_timeout > DAY {
        Some("--read-timeout must be above 0 and at most a day, e.g. --read-timeout 30s")
    } else if !(1024..=1 << 20).contains(&limits.max_header_bytes) {
        Some("--max-header-bytes must be from 1KiB to 1MiB, e.g. --max-header-bytes 64KiB")
    } else if !(1..=10_000).contains(&limits.max_headers) {
        Some("--max-headers must be from 1 to 10000, e.g. --max-headers 100")
    } else {
        None
    };
    problem.map_or(Ok(()), |p| Err(Error::usage(p)))
}

/// `--events`: a misspelt catalogue name is an error with a suggestion; a name that is near
/// none of them is taken as the user's own event type.
fn checked_events(names: &[String], out: Printer) -> Result<Vec<String>> {
    for name in names {
        if events::is_known(name) {
            continue;
        }
        if let Some(near) = events::nearest_known(name) {
            return Err(Error::usage(format!(
                "--events: unknown event '{name}'; did you mean '{near}'? run `whk events` to list them"
            )));
        }
        out.warn(&format!(
            "--events: '{name}' is not a whk sample event; only deliveries whose event is '{name}' are shown"
        ));
    }
    Ok(names.to_vec())
}

/// The TLS certificate to serve, if any: the user's own or a generated one.
fn identity_from(args: &ListenTlsArgs) -> Result<Option<Identity>> {
    match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Identity::load(cert, key).map(Some),
        _ if args.tls || args.tls_cert_out.is_some() => Identity::generate().map(Some),
        _ => Ok(None),
    }
}

/// What the announcement says about TLS.
struct TlsFacts {
    config: Arc<rustls::ServerConfig>,
    fingerprint: String,
    /// Where the generated certificate was written.
    cert_path: Option<PathBuf>,
}

impl TlsFacts {
    fn publish(identity: Identity, args: &ListenTlsArgs, port: u16) -> Result<Self> {
        let fingerprint = identity.fingerprint();
        let cert_path = match &identity.pem {
            Some(pem) => {
                let path = args
                    .tls_cert_out
                    .clone()
                    .unwrap_or_else(|| std::env::temp_dir().join(format!("whk-listen-{port}.pem")));
                write_whole(&path, pem.as_bytes())?;
                Some(path)
            }
            None => None,
        };
        Ok(TlsFacts {
            config: identity.server_config()?,
            fingerprint,
            cert_path,
        })
    }
}

/// Writes a file completely or not at all (temp file + rename).
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let cannot = |err: std::io::Error| {
        Error::usage(format!(
            "cannot write the certificate to {}: {err}; choose another path with --tls-cert-out",
            path.display()
        ))
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
    std::io::Write::write_all(&mut temp, bytes).map_err(cannot)?;
    temp.persist(path).map_err(|err| cannot(err.error))?;
    Ok(())
}

/// Says where the listener is, on stderr, so a script can wait for it. Printed even with
/// -q: with --port 0 it is the only way to learn the port.
fn announce(
    addr: std::net::SocketAddr,
    tls: Option<&TlsFacts>,
    ui_url: Option<&str>,
    args: &ListenArgs,
    out: Printer,
) {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{addr}");
    if out.json {
        let tls = tls.map(|t| ListeningTls {
            fingerprint_sha256: t.fingerprint.clone(),
            cert: t.cert_path.clone(),
        });
        let listening = Listening {
            url,
            port: addr.port(),
            tls,
            ui_url: ui_url.map(str::to_string),
        };
        output::to_stderr(&listening.to_line());
        return;
    }
    output::to_stderr(&format!("listening on {url}  (any path; Ctrl-C to stop)"));
    if let Some(ui_url) = ui_url {
        output::to_stderr(&format!(
            "inspector on {ui_url}  (deliveries appear there as they arrive)"
        ));
    }
    if let Some(tls) = tls {
        out.note(&format!("TLS certificate SHA-256 {}", tls.fingerprint));
        if let Some(path) = &tls.cert_path {
            out.note(&format!(
                "certificate written to {}: trust it with `curl --cacert {0}` or `whk send --cacert {0}`",
                path.display()
            ));
        }
    }
    if let Some(path) = &args.save {
        out.note(&format!("saving deliveries to {}", path.display()));
    }
    if let Some(target) = &args.forward_to {
        out.note(&format!("forwarding deliveries to {target}"));
    }
    if let Some(command) = &args.exec.exec {
        out.note(&format!(
            "running `{}` for each delivery",
            crate::output::escape_line(command)
        ));
    }
}

fn finish(pipeline: &Pipeline, args: &ListenArgs, stop: Stop, out: Printer) -> Result<()> {
    if stop == Stop::PipeClosed {
        return Ok(());
    }
    let tally = lock(&pipeline.tally);
    if out.json {
        out.line(&tally.to_line())?;
    } else if !out.quiet || stop != Stop::Count {
        output::to_stderr(&tally.to_text());
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

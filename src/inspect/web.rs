//! The inspector's own small HTTP server: 127.0.0.1 only, HTTP/1.1, a bounded number of
//! connections and streams, a header deadline. It serves the embedded page, the JSON API and
//! the server-sent-event stream.
//!
//! Hardening: every request must name this server in `Host` (so a DNS-rebound name cannot
//! read the API); every request that changes something (a replay) must come from this
//! page's Origin and carry the per-run token the page was served with; every response
//! forbids inline scripts, framing and sniffing (Content-Security-Policy, nosniff).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use tokio::sync::{Semaphore, broadcast, mpsc};

use super::{Inspector, diff, replay, view};
use crate::error::{Error, Result};

const INDEX_HTML: &str = include_str!("../../assets/inspector/index.html");
const APP_JS: &str = include_str!("../../assets/inspector/app.js");
const APP_CSS: &str = include_str!("../../assets/inspector/app.css");
const ICON_SVG: &str = include_str!("../../assets/inspector/icon.svg");

/// Connections served at once; more wait to be accepted.
const CONNECTIONS: usize = 64;
/// Event streams open at once (each page holds one).
const STREAMS: usize = 32;
/// The largest request body (a replay with an edited body).
const MAX_REQUEST: usize = 16 << 20;
/// How long a request head may take to arrive.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// A comment on idle streams, so proxies and the browser keep them open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The inspector being served.
pub struct Running {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
}

struct Web {
    inspector: Arc<Inspector>,
    token: String,
    index: String,
    port: u16,
    streams: AtomicUsize,
}

type Reply = Response<BoxBody<Bytes, Infallible>>;

/// Binds 127.0.0.1:`port` (0 picks one) and serves the inspector on a thread of its own.
pub fn serve(inspector: Arc<Inspector>, port: u16) -> Result<Running> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|err| {
        Error::Network(format!(
            "cannot serve the inspector on 127.0.0.1:{port}: {err}; choose another port with --ui-port"
        ))
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|err| Error::Network(format!("cannot serve the inspector: {err}")))?;
    let addr = listener
        .local_addr()
        .map_err(|err| Error::Network(format!("cannot serve the inspector: {err}")))?;
    let token = new_token()?;
    let web = Arc::new(Web {
        inspector,
        index: INDEX_HTML.replace("{{TOKEN}}", &token),
        token,
        port: addr.port(),
        streams: AtomicUsize::new(0),
    });
    let runtime = crate::client::runtime(None)?;
    std::thread::Builder::new()
        .name("whk-inspector".into())
        .spawn(move || runtime.block_on(accept_loop(listener, web)))
        .map_err(|err| Error::Network(format!("cannot start the inspector: {err}")))?;
    Ok(Running {
        addr,
        url: format!("http://{addr}/"),
    })
}

/// 32 random bytes in hex, from the system's secure generator.
fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| Error::Network("no secure random numbers for the inspector's token".into()))?;
    Ok(hex::encode(bytes))
}

async fn accept_loop(listener: std::net::TcpListener, web: Arc<Web>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let permits = Arc::new(Semaphore::new(CONNECTIONS));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors, say: wait a little rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let web = web.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let web = web.clone();
                async move { Ok::<_, Infallible>(web.handle(request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_DEADLINE)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

impl Web {
    async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Reply {
        if !self.addressed_to_us(&request) {
            return problem(
                StatusCode::MISDIRECTED_REQUEST,
                "the inspector answers only to 127.0.0.1 and localhost",
            );
        }
        let path = request.uri().path().to_string();
        let query = request.uri().query().unwrap_or("").to_string();
        match (request.method().clone(), path.as_str()) {
            (Method::POST, "/api/replay") => self.replay(request).await,
            (Method::GET, _) => self.get(&path, &query),
            _ => problem(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
        }
    }

    /// `Host` names this server: a page on another name that resolves here (DNS rebinding)
    /// cannot use the API.
    fn addressed_to_us(&self, request: &Request<Incoming>) -> bool {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let port = self.port;
        host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
    }

    fn get(self: &Arc<Self>, path: &str, query: &str) -> Reply {
        let inspector = &self.inspector;
        match path {
            "/" | "/index.html" => asset("text/html; charset=utf-8", self.index.clone()),
            "/app.js" => asset("text/javascript; charset=utf-8", APP_JS.into()),
            "/app.css" => asset("text/css; charset=utf-8", APP_CSS.into()),
            "/icon.svg" => asset("image/svg+xml", ICON_SVG.into()),
            "/api/info" => json(StatusCode::OK, &self.info()),
            "/api/deliveries" => {
                let entries = inspector.all();
                let rows: Vec<view::Summary> = entries.iter().map(|e| view::summary(e)).collect();
                json(StatusCode::OK, &rows)
            }
            "/api/search" => {
                let needle = param(query, "q").unwrap_or_default().to_lowercase();
                let found: Vec<u64> = inspector
                    .all()
                    .iter()
                    .filter(|e| view::matches(e, &needle))
                    .map(|e| e.seq)
                    .collect();
                json(StatusCode::OK, &found)
            }
            "/api/diff" => self.diff(query),
            "/api/stream" => self.stream(),
            _ => match path.strip_prefix("/api/deliveries/") {
                Some(rest) => self.delivery(rest),
                None => problem(StatusCode::NOT_FOUND, "no such page"),
            },
        }
    }

    fn info(&self) -> Info<'_> {
        let settings = self.inspector.settings();
        Info {
            live: settings.live,
            title: &settings.title,
            can_resign: settings.checker.is_some(),
            forward_to: settings.replay.forward_to.as_ref().map(|u| u.as_str()),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// `/api/deliveries/N`, `…/N/expected`, `…/N/capture`.
    fn delivery(&self, rest: &str) -> Reply {
        let (seq, what) = rest.split_once('/').unwrap_or((rest, ""));
        let Some(entry) = seq.parse().ok().and_then(|seq| self.inspector.get(seq)) else {
            return problem(
                StatusCode::NOT_FOUND,
                "no such delivery (or no longer kept)",
            );
        };
        match what {
            "" => json(StatusCode::OK, &view::detail(&self.inspector, &entry)),
            "expected" => match view::expected(&self.inspector, &entry) {
                Some(expected) => json(StatusCode::OK, &expected),
                None => problem(
                    StatusCode::CONFLICT,
                    "no expected signature: start whk with --secret, and the delivery needs a known scheme",
                ),
            },
            "capture" => {
                let mut text = serde_json::to_string_pretty(&entry.to_capture())
                    .expect("a capture always serialises");
                text.push('\n');
                let name: String = entry
                    .facts
                    .id
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let mut reply = asset("application/json", text);
                if let Ok(value) = format!("attachment; filename=\"{name}.json\"").parse() {
                    reply
                        .headers_mut()
                        .insert(header::CONTENT_DISPOSITION, value);
                }
                reply
            }
            _ => problem(StatusCode::NOT_FOUND, "no such page"),
        }
    }

    fn diff(&self, query: &str) -> Reply {
        let entry = |name| {
            param(query, name)
                .and_then(|seq| seq.parse().ok())
                .and_then(|seq| self.inspector.get(seq))
        };
        match (entry("a"), entry("b")) {
            (Some(a), Some(b)) => json(StatusCode::OK, &diff::diff(&a, &b)),
            _ => problem(
                StatusCode::NOT_FOUND,
                "diff needs ?a=N&b=M, two kept deliveries",
            ),
        }
    }

    /// Server-sent events: one `delivery` event per new delivery (its summary), `resync`
    /// when this page fell behind and should fetch the list again.
    fn stream(self: &Arc<Self>) -> Reply {
        if self.streams.fetch_add(1, Ordering::SeqCst) >= STREAMS {
            self.streams.fetch_sub(1, Ordering::SeqCst);
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many open inspector pages",
            );
        }
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(forward_news(self.inspector.subscribe(), tx));
        let body = EventStream {
            rx,
            _slot: StreamSlot(self.clone()),
        };
        let mut response = Response::new(body.boxed());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/event-stream"),
        );
        hardened(response)
    }

    async fn replay(&self, request: Request<Incoming>) -> Reply {
        if let Err(why) = self.allowed_to_change(&request) {
            return problem(StatusCode::FORBIDDEN, why);
        }
        let body = match Limited::new(request.into_body(), MAX_REQUEST)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return problem(StatusCode::PAYLOAD_TOO_LARGE, "the request is too large"),
        };
        let ask: replay::Ask = match serde_json::from_slice(&body) {
            Ok(ask) => ask,
            Err(err) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    &format!("bad replay request: {err}"),
                );
            }
        };
        match replay::prepare(&self.inspector, &ask) {
            Ok((outgoing, resigned)) => {
                let client = &self.inspector.settings().replay.client;
                json(
                    StatusCode::OK,
                    &replay::send(client, outgoing, resigned).await,
                )
            }
            Err(why) => problem(StatusCode::BAD_REQUEST, &why),
        }
    }

    /// A request that changes something must come from this page: its Origin, its token,
    /// and JSON (which a plain cross-site form cannot send).
    fn allowed_to_change(
        &self,
        request: &Request<Incoming>,
    ) -> std::result::Result<(), &'static str> {
        let headers = request.headers();
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &http::HeaderValue| v.to_str().ok())
        };
        let port = self.port;
        let origin_ok = text(header::ORIGIN).is_some_and(|origin| {
            origin == format!("http://127.0.0.1:{port}")
                || origin == format!("http://localhost:{port}")
        });
        if !origin_ok {
            return Err("refused: the request does not come from the inspector's page (Origin)");
        }
        let token = text(header::HeaderName::from_static("x-whk-token")).unwrap_or("");
        let token_ok: bool =
            subtle::ConstantTimeEq::ct_eq(token.as_bytes(), self.token.as_bytes()).into();
        if !token_ok {
            return Err("refused: missing or wrong inspector token (X-Whk-Token)");
        }
        let is_json = text(header::CONTENT_TYPE)
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err("refused: send the replay request as application/json");
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct Info<'a> {
    live: bool,
    title: &'a str,
    can_resign: bool,
    forward_to: Option<&'a str>,
    version: &'static str,
}

/// The value of `name` in a query string, decoded.
fn param(query: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .ok()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Copies new deliveries into one page's stream until the page goes away.
async fn forward_news(mut news: broadcast::Receiver<Arc<str>>, tx: mpsc::Sender<Bytes>) {
    let mut keep_alive =
        tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    if tx
        .send(Bytes::from_static(b"retry: 1000\n\n"))
        .await
        .is_err()
    {
        return;
    }
    loop {
        let event = tokio::select! {
            got = news.recv() => match got {
                Ok(summary) => Bytes::from(format!("event: delivery\ndata: {summary}\n\n")),
                Err(broadcast::error::RecvError::Lagged(_)) => Bytes::from_static(b"event: resync\ndata: {}\n\n"),
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = keep_alive.tick() => Bytes::from_static(b": keep-alive\n\n"),
            () = tx.closed() => return,
        };
        if tx.send(event).await.is_err() {
            return;
        }
    }
}

/// A response body fed from a channel; frees its stream slot when the page goes away.
struct EventStream {
    rx: mpsc::Receiver<Bytes>,
    _slot: StreamSlot,
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, Infallible>>> {
        self.rx
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// One of the `STREAMS` slots, given back when dropped.
struct StreamSlot(Arc<Web>);

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Headers every response carries: no inline script, no framing, no sniffing, no caching.
fn hardened(mut response: Reply) -> Reply {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        headers.insert(name, http::HeaderValue::from_static(value));
    }
    response
}

fn asset(content_type: &'static str, text: String) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(text)).boxed());
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    hardened(response)
}

fn json(status: StatusCode, value: &impl Serialize) -> Reply {
    let text = serde_json::to_string(value).expect("API values always serialise");
    let mut response = asset("application/json", text);
    *response.status_mut() = status;
    response
}

fn problem(status: StatusCode, message: &str) -> Reply {
    json(status, &serde_json::json!({ "error": message }))
}

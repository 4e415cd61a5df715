//! The receiving side of HTTP: hyper on one single-threaded tokio runtime per core, each
//! accepting from the same socket. Each request becomes a neutral `Incoming`; whatever
//! `Answer` the handler decides goes back. Nothing above this module knows which HTTP library
//! is underneath.
//!
//! Every limit is enforced here, before a request reaches memory or the handler: header bytes
//! and count (431), body size from Content-Length alone (413, never read), the read deadline
//! (408), malformed framing (400), open connections (the rest wait in the backlog). Each
//! refusal is reported to a `RefusalHandler`. Running out of file descriptors pauses accepting
//! instead of ending it.

mod conn_io;

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::error::{Error, Result};
use crate::scheme::Header;
use conn_io::{ConnIo, ConnState, WireHead};

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub received_at: SystemTime,
    pub remote: Option<SocketAddr>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// In arrival order, names as sent (HTTP/2 names are lower-case on the wire).
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

/// What to answer.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

/// Why a request was refused before the handler saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// 413: the body is above the limit (declared, or found while reading a chunked body).
    BodyTooLarge { declared: Option<u64>, limit: usize },
    /// 431: the head is above the header byte or count limit.
    HeadersTooLarge,
    /// 408: the head or the body did not arrive within the read deadline.
    ReadTimeout,
    /// 400: the request could not be parsed or its body framing is broken.
    Malformed(String),
    /// 400: plain HTTP sent to the TLS port.
    PlainHttpOnTls,
}

impl Refused {
    /// A stable name for the kind of refusal, for JSON and the summary.
    pub fn kind(&self) -> &'static str {
        match self {
            Refused::BodyTooLarge { .. } => "body_too_large",
            Refused::HeadersTooLarge => "headers_too_large",
            Refused::ReadTimeout => "read_timeout",
            Refused::Malformed(_) => "malformed",
            Refused::PlainHttpOnTls => "plain_http_on_tls",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Refused::BodyTooLarge { .. } => 413,
            Refused::HeadersTooLarge => 431,
            Refused::ReadTimeout => 408,
            Refused::Malformed(_) | Refused::PlainHttpOnTls => 400,
        }
    }
}

/// Told about each refusal.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub remote: Option<SocketAddr>,
    /// The request target, when the head was read.
    pub target: Option<String>,
    pub reason: Refused,
}

/// Told once when accepting pauses for lack of file descriptors.
#[derive(Clone, Debug)]
pub struct AcceptTrouble(pub String);

/// What a handler gives back: the answer, or work that ends in the answer (the pipeline's
/// group commit of captures), which the connection awaits before it answers.
pub enum Reply {
    Now(Answer),
    Later(std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send>>),
}

pub type Handler = Arc<dyn Fn(Incoming) -> Reply + Send + Sync>;
pub type RefusalHandler = Arc<dyn Fn(Refusal) + Send + Sync>;
pub type TroubleHandler = Arc<dyn Fn(AcceptTrouble) + Send + Sync>;

/// The limits a listener enforces.
#[derive(Clone, Debug)]
pub struct Limits {
    pub header_bytes: usize,
    pub header_count: usize,
    pub max_body: usize,
    pub read_timeout: Duration,
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_bytes: 64 * 1024,
            header_count: 100,
            max_body: 10 << 20,
            read_timeout: Duration::from_secs(30),
            connections: 1024,
        }
    }
}

/// How a listener serves.
#[derive(Clone)]
pub struct Config {
    pub limits: Limits,
    /// TLS, or plain HTTP when `None`.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Run the handler on the blocking pool: it may wait (on a forwarded app, a command).
    pub blocking_handler: bool,
    /// Runtimes (threads) that accept and serve; 0 means one per core.
    pub threads: usize,
}

/// A bound socket. Serving starts with `serve`.
pub struct Server {
    listener: StdListener,
    pub addr: SocketAddr,
}

impl Server {
    /// Binds `host:port` (port 0 picks a free one). A port in use is a network error (exit 3).
    pub fn bind(host: &str, port: u16) -> Result<Self> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let address = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let listener = StdListener::bind(&address).map_err(|err| {
            if err.kind() == std::io::ErrorKind::AddrInUse {
                Error::Network(format!(
                    "port {port} on {host} is already in use; pick another with --port (0 picks a free one) or stop the other process"
                ))
            } else {
                Error::Network(format!("cannot listen on {address}: {err}"))
            }
        })?;
        listener
            .set_nonblocking(true)
            .and_then(|()| listener.local_addr())
            .map(|addr| Server { listener, addr })
            .map_err(|err| Error::Network(format!("cannot listen on {address}: {err}")))
    }

    /// Starts the runtimes that accept, read, call `handler` and answer.
    pub fn serve(
        self,
        config: Config,
        handler: Handler,
        refused: RefusalHandler,
        trouble: TroubleHandler,
    ) -> Result<Running> {
        let threads = match config.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let shared = Arc::new(Shared {
            permits: Arc::new(Semaphore::new(config.limits.connections)),
            config,
            handler,
            refused,
            trouble,
            trouble_told: AtomicBool::new(false),
        });
        let (stop, stopped) = watch::channel(None);
        let mut workers = Vec::with_capacity(threads);
        for n in 0..threads {
            let listener = self.listener.try_clone().map_err(|err| {
                Error::Network(format!("cannot share the listening socket: {err}"))
            })?;
            let (shared, stopped) = (shared.clone(), stopped.clone());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|err| Error::Network(format!("cannot start the async runtime: {err}")))?;
            let worker = std::thread::Builder::new()
                .name(format!("whk-listen-{n}"))
                .spawn(move || {
                    runtime.block_on(run_worker(listener, shared, stopped));
                    runtime.shutdown_timeout(Duration::from_millis(100));
                })
                .map_err(|err| Error::Network(format!("cannot start a listener thread: {err}")))?;
            workers.push(worker);
        }
        Ok(Running { stop, workers })
    }
}

/// A serving listener.
pub struct Running {
    stop: watch::Sender<Option<Duration>>,
    workers: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets requests in hand finish and get their answers (at most `grace`),
    /// and closes every connection. A delivery that was saved and counted also gets its
    /// answer before the process exits.
    pub fn drain(self, grace: Duration) {
        let _ = self.stop.send(Some(grace));
        for worker in self.workers {
            let _ = worker.join();
        }
    }
}

/// `Some(grace)` once the listener is to stop.
type StopSignal = watch::Receiver<Option<Duration>>;

struct Shared {
    config: Config,
    handler: Handler,
    refused: RefusalHandler,
    trouble: TroubleHandler,
    permits: Arc<Semaphore>,
    trouble_told: AtomicBool,
}

/// One runtime's accept loop, then its part of the graceful shutdown.
async fn run_worker(listener: StdListener, shared: Arc<Shared>, mut stopped: StopSignal) {
    let listener = match TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(err) => {
            (shared.trouble)(AcceptTrouble(format!("cannot serve: {err}")));
            return;
        }
    };
    let graceful = GracefulShutdown::new();
    let grace = loop {
        tokio::select! {
            changed = stopped.changed() => match (changed, *stopped.borrow()) {
                (Ok(()), None) => continue,
                (_, grace) => break grace.unwrap_or_default(),
            },
            () = accept_one(&listener, &shared, graceful.watcher()) => {}
        }
    };
    drop(listener);
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
}

/// Waits for a connection slot and a connection, and starts serving it.
async fn accept_one(listener: &TcpListener, shared: &Arc<Shared>, watcher: Watcher) {
    let Ok(permit) = shared.permits.clone().acquire_owned().await else {
        return;
    };
    match listener.accept().await {
        Ok((stream, remote)) => {
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            tokio::spawn(async move {
                serve_connection(stream, remote, &shared, watcher).await;
                drop(permit);
            });
        }
        Err(err) => pause_accepting(err, shared).await,
    }
}

/// Accept failed: out of descriptors (EMFILE/ENFILE) or a transient error. Say so once,
/// wait a moment (connections close and free descriptors) and go on accepting.
async fn pause_accepting(err: std::io::Error, shared: &Shared) {
    let exhausted = matches!(err.raw_os_error(), Some(23 | 24));
    if exhausted && !shared.trouble_told.swap(true, Ordering::Relaxed) {
        (shared.trouble)(AcceptTrouble(format!(
            "cannot accept connections: {err}; waiting for some to close (raise the limit with `ulimit -n`)"
        )));
    }
    tokio::time::sleep(Duration::from_millis(if exhausted { 100 } else { 5 })).await;
}

async fn serve_connection(
    stream: TcpStream,
    remote: SocketAddr,
    shared: &Arc<Shared>,
    watcher: Watcher,
) {
    let limits = &shared.config.limits;
    let Some(tls) = shared.config.tls.clone() else {
        serve_http1(stream, remote, shared, watcher).await;
        return;
    };
    if !starts_with_tls(&stream, limits.read_timeout).await {
        refuse_plain_http(stream, remote, shared).await;
        return;
    }
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let Ok(Ok(stream)) = tokio::time::timeout(limits.read_timeout, acceptor.accept(stream)).await
    else {
        return;
    };
    if stream.get_ref().1.alpn_protocol() == Some(b"h2") {
        serve_http2(stream, remote, shared, watcher).await;
    } else {
        serve_http1(stream, remote, shared, watcher).await;
    }
}

async fn serve_http1<T>(stream: T, remote: SocketAddr, shared: &Arc<Shared>, watcher: Watcher)
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let limits = &shared.config.limits;
    let (io, state) = ConnIo::new(
        stream,
        limits.header_bytes,
        limits.header_count,
        limits.read_timeout,
    );
    let service = {
        let (shared, state) = (shared.clone(), state.clone());
        hyper::service::service_fn(move |request| {
            let (shared, state) = (shared.clone(), state.clone());
            async move { Ok::<_, Infallible>(respond(request, remote, &shared, Some(&state)).await) }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .max_buf_size(limits.header_bytes.max(8192))
        .max_headers(limits.header_count)
        .timer(TokioTimer::new())
        // A backstop: `ConnIo` answers 408 at the deadline itself.
        .header_read_timeout(limits.read_timeout + Duration::from_secs(2));
    let connection = builder.serve_connection(TokioIo::new(io), service);
    if let Err(err) = watcher.watch(connection).await {
        report_connection_error(&err, remote, &state, shared);
    }
}

async fn serve_http2<T>(stream: T, remote: SocketAddr, shared: &Arc<Shared>, watcher: Watcher)
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let limits = &shared.config.limits;
    let service = {
        let shared = shared.clone();
        hyper::service::service_fn(move |request| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(respond(request, remote, &shared, None).await) }
        })
    };
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    builder
        .max_header_list_size(limits.header_bytes as u32)
        .max_concurrent_streams(limits.header_count as u32)
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.read_timeout)
        .keep_alive_timeout(limits.read_timeout);
    let _ = watcher
        .watch(builder.serve_connection(TokioIo::new(stream), service))
        .await;
}

/// Reports what hyper refused on its own (it has answered already, where it could).
fn report_connection_error(
    err: &hyper::Error,
    remote: SocketAddr,
    state: &ConnState,
    shared: &Shared,
) {
    let reason = if state.timed_out.load(Ordering::Relaxed) {
        Refused::ReadTimeout
    } else if err.is_parse_too_large() {
        Refused::HeadersTooLarge
    } else if err.is_parse() {
        Refused::Malformed(err.to_string())
    } else {
        return;
    };
    (shared.refused)(Refusal {
        remote: Some(remote),
        target: None,
        reason,
    });
}

/// Whether the first byte is a TLS handshake record, waiting at most `timeout` for it.
async fn starts_with_tls(stream: &TcpStream, timeout: Duration) -> bool {
    let mut first = [0u8; 1];
    matches!(
        tokio::time::timeout(timeout, stream.peek(&mut first)).await,
        Ok(Ok(1)) if first[0] == 0x16
    )
}

/// Someone spoke plain HTTP to the TLS port: say so in plain HTTP, then close.
async fn refuse_plain_http(mut stream: TcpStream, remote: SocketAddr, shared: &Shared) {
    use tokio::io::AsyncWriteExt;
    let mut first = [0u8; 1];
    if !matches!(stream.peek(&mut first).await, Ok(1) if first[0].is_ascii_uppercase()) {
        return;
    }
    let body = "whk listen: this port speaks HTTPS; use an https:// URL\n";
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer.as_bytes())).await;
    (shared.refused)(Refusal {
        remote: Some(remote),
        target: None,
        reason: Refused::PlainHttpOnTls,
    });
}

/// Reads the request within the limits, hands it to the handler and builds the answer.
async fn respond(
    request: Request<Body>,
    remote: SocketAddr,
    shared: &Arc<Shared>,
    state: Option<&Arc<ConnState>>,
) -> Response<Full<Bytes>> {
    let _busy = state.map(|s| BusyGuard::new(s.clone()));
    let incoming = match read_request(request, remote, &shared.config.limits, state).await {
        Ok(incoming) => incoming,
        Err((target, reason)) => {
            let answer = refusal_answer(&reason);
            (shared.refused)(Refusal {
                remote: Some(remote),
                target: Some(target),
                reason,
            });
            return answer;
        }
    };
    let reply = if shared.config.blocking_handler {
        let handler = shared.handler.clone();
        match tokio::task::spawn_blocking(move || handler(incoming)).await {
            Ok(reply) => reply,
            Err(_) => return internal_error(),
        }
    } else {
        (shared.handler)(incoming)
    };
    let answer = match reply {
        Reply::Now(answer) => answer,
        Reply::Later(work) => work.await,
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    to_response(answer, false)
}

/// The request as an `Incoming`, or why it is refused (with its target, for the report):
/// headers above the limit, a declared body above `max_body` (never read), a body that is
/// too large, late or broken.
async fn read_request(
    request: Request<Body>,
    remote: SocketAddr,
    limits: &Limits,
    state: Option<&Arc<ConnState>>,
) -> std::result::Result<Incoming, (String, Refused)> {
    let received_at = SystemTime::now();
    let (parts, body) = request.into_parts();
    let (path, query) = (
        parts.uri.path().to_string(),
        parts.uri.query().map(str::to_string),
    );
    let refused = |reason| {
        let target = match &query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        Err((target, reason))
    };
    let headers = match state.map(|s| s.take_head(&parts.headers)) {
        Some(WireHead::AsSent(headers)) => headers,
        Some(WireHead::TooLarge) => return refused(Refused::HeadersTooLarge),
        Some(WireHead::Unknown) | None => hyper_headers(&parts.headers, parts.uri.authority()),
    };
    if let Some(declared) = declared_length(&parts.headers)
        && declared > limits.max_body as u64
    {
        return refused(Refused::BodyTooLarge {
            declared: Some(declared),
            limit: limits.max_body,
        });
    }
    let body = match read_body(body, limits).await {
        Ok(body) => body,
        Err(reason) => return refused(reason),
    };
    Ok(Incoming {
        received_at,
        remote: Some(remote),
        method: parts.method.as_str().to_string(),
        path,
        query,
        headers,
        body,
    })
}

/// Marks a connection busy while its request is being handled (no read deadline meanwhile).
struct BusyGuard(Arc<ConnState>);

impl BusyGuard {
    fn new(state: Arc<ConnState>) -> Self {
        state.busy.fetch_add(1, Ordering::Relaxed);
        BusyGuard(state)
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The whole body, within the size limit and the read deadline.
async fn read_body(body: Body, limits: &Limits) -> std::result::Result<Vec<u8>, Refused> {
    let collect = Limited::new(body, limits.max_body).collect();
    match tokio::time::timeout(limits.read_timeout, collect).await {
        Err(_) => Err(Refused::ReadTimeout),
        Ok(Ok(collected)) => Ok(Vec::from(collected.to_bytes())),
        Ok(Err(err)) if err.is::<http_body_util::LengthLimitError>() => {
            Err(Refused::BodyTooLarge {
                declared: None,
                limit: limits.max_body,
            })
        }
        Ok(Err(err)) => Err(Refused::Malformed(body_error(&*err))),
    }
}

fn body_error(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = Some(err);
    while let Some(inner) = cause {
        let ended = inner
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
            || inner
                .downcast_ref::<hyper::Error>()
                .is_some_and(hyper::Error::is_incomplete_message);
        if ended {
            return "the body ended before its declared length".into();
        }
        cause = inner.source();
    }
    format!("broken body framing: {err}")
}

fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The headers as hyper parsed them (lower-case names), when the wire form is not known:
/// HTTP/2, whose `:authority` becomes the `host` header a capture and a replay expect.
fn hyper_headers(
    headers: &http::HeaderMap,
    authority: Option<&http::uri::Authority>,
) -> Vec<Header> {
    let host = authority
        .filter(|_| !headers.contains_key(http::header::HOST))
        .map(|authority| ("host".to_string(), authority.to_string()));
    host.into_iter()
        .chain(headers.iter().map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        }))
        .collect()
}

fn refusal_answer(reason: &Refused) -> Response<Full<Bytes>> {
    let text = match reason {
        Refused::BodyTooLarge { limit, .. } => {
            format!("whk listen: the body is larger than --max-body ({limit} bytes)\n")
        }
        Refused::ReadTimeout => "whk listen: the request body did not arrive in time\n".into(),
        Refused::HeadersTooLarge => "whk listen: the request headers are too large\n".into(),
        Refused::Malformed(why) => format!("whk listen: malformed request: {why}\n"),
        Refused::PlainHttpOnTls => "whk listen: this port speaks HTTPS\n".into(),
    };
    to_response(
        Answer {
            status: reason.status(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: text.into_bytes(),
            delay: Duration::ZERO,
        },
        true,
    )
}

fn internal_error() -> Response<Full<Bytes>> {
    to_response(
        Answer {
            status: 500,
            headers: Vec::new(),
            body: b"whk listen: internal error\n".to_vec(),
            delay: Duration::ZERO,
        },
        true,
    )
}

/// The hyper response for an answer; `close` ends the connection after it.
fn to_response(answer: Answer, close: bool) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    if close {
        headers.insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
    response
}

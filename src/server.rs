//! The receiving side of HTTP: a tiny_http accept loop on a pool of worker threads that
//! turns each request into a neutral `Incoming` and sends back whatever `Answer` the handler
//! decides. Oversized bodies are refused here, before they reach memory.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::scheme::Header;

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub received_at: SystemTime,
    pub remote: Option<SocketAddr>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// In arrival order, names as sent.
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// The path with its query string, as the request line had it.
    pub fn target(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }
}

/// What to answer.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

/// Told about requests refused before the handler saw them.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub remote: Option<SocketAddr>,
    pub path: String,
    pub declared: Option<usize>,
    pub max_body: usize,
}

pub type Handler = Arc<dyn Fn(Incoming) -> Answer + Send + Sync>;
pub type RefusalHandler = Arc<dyn Fn(Refusal) + Send + Sync>;

/// A bound listener. Workers start with `serve`.
pub struct Server {
    http: Arc<tiny_http::Server>,
    pub addr: SocketAddr,
}

impl Server {
    /// Binds `host:port` (port 0 picks a free one). A port in use is a network error (exit 3).
    pub fn bind(host: &str, port: u16) -> Result<Self> {
        let address = format!("{host}:{port}");
        let http = tiny_http::Server::http(&address).map_err(|err| {
            let in_use = err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse);
            if in_use {
                Error::Network(format!(
                    "port {port} on {host} is already in use; pick another with --port (0 picks a free one) or stop the other process"
                ))
            } else {
                Error::Network(format!("cannot listen on {address}: {err}"))
            }
        })?;
        let addr = http.server_addr().to_ip().ok_or_else(|| {
            Error::Network(format!("cannot listen on {address}: not an IP address"))
        })?;
        Ok(Server {
            http: Arc::new(http),
            addr,
        })
    }

    /// Starts `workers` threads that read requests (bodies up to `max_body` bytes), call
    /// `handler` and answer. Bodies above the limit get 413 and go to `refused`.
    pub fn serve(
        &self,
        workers: usize,
        max_body: usize,
        handler: Handler,
        refused: RefusalHandler,
    ) -> Vec<JoinHandle<()>> {
        (0..workers)
            .map(|_| {
                let (http, handler, refused) =
                    (self.http.clone(), handler.clone(), refused.clone());
                // Named so per-thread profiles tell the workers from tiny_http's own threads.
                std::thread::Builder::new()
                    .name("whk-worker".into())
                    .spawn(move || {
                        while let Ok(request) = http.recv() {
                            serve_one(request, max_body, &handler, &refused);
                        }
                    })
                    .expect("cannot start a listener worker thread")
            })
            .collect()
    }

    /// Stops handing out requests and waits, at most `grace`, for `workers` to finish the
    /// ones they hold (and the ones already queued), so a delivery that was saved and
    /// counted also gets its answer before the process exits.
    pub fn drain(&self, workers: Vec<JoinHandle<()>>, grace: Duration) {
        for _ in &workers {
            self.http.unblock();
        }
        let deadline = std::time::Instant::now() + grace;
        while !workers.iter().all(JoinHandle::is_finished) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn serve_one(
    mut request: tiny_http::Request,
    max_body: usize,
    handler: &Handler,
    refused: &RefusalHandler,
) {
    let received_at = SystemTime::now();
    let declared = request.body_length();
    let body = match declared {
        Some(length) if length > max_body => None,
        _ => read_limited(&mut request, max_body),
    };
    let (path, query) = split_target(request.url());
    let Some(body) = body else {
        refused(Refusal {
            remote: request.remote_addr().copied(),
            path,
            declared,
            max_body,
        });
        refuse_too_large(request, max_body);
        return;
    };
    let incoming = Incoming {
        received_at,
        remote: request.remote_addr().copied(),
        method: request.method().as_str().to_string(),
        path,
        query,
        headers: request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_string(),
                    h.value.as_str().to_string(),
                )
            })
            .collect(),
        body,
    };
    let answer = handler(incoming);
    if !answer.delay.is_zero() {
        std::thread::sleep(answer.delay);
    }
    let mut response = tiny_http::Response::from_data(answer.body).with_status_code(answer.status);
    for (name, value) in &answer.headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}

/// Reads the body, or `None` when it is longer than `max_body` (chunked bodies have no
/// declared length, so the limit is enforced while reading) or the client went away.
fn read_limited(request: &mut tiny_http::Request, max_body: usize) -> Option<Vec<u8>> {
    let mut body = Vec::with_capacity(request.body_length().unwrap_or(0).min(max_body));
    let read = request
        .as_reader()
        .take(max_body as u64 + 1)
        .read_to_end(&mut body)
        .ok()?;
    (read <= max_body).then_some(body)
}

/// Answers 413 and closes, then drains what the client still sends in small pieces on a
/// separate thread: tiny_http would otherwise buffer the whole remaining body at once.
fn refuse_too_large(mut request: tiny_http::Request, max_body: usize) {
    std::thread::spawn(move || {
        let mut sink = [0u8; 16 * 1024];
        let reader = request.as_reader();
        while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
        let body = format!("body larger than the listener's --max-body of {max_body} bytes\n");
        let close = tiny_http::Header::from_bytes("Connection", "close").expect("a valid header");
        let _ = request.respond(
            tiny_http::Response::from_string(body)
                .with_status_code(413)
                .with_header(close),
        );
    });
}

/// Splits a request target into its path and query string.
fn split_target(target: &str) -> (String, Option<String>) {
    match target.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (target.to_string(), None),
    }
}

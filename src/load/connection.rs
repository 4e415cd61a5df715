//! One load connection: where it goes (resolved, framed and trusted once, in [`Target`]) and
//! an HTTP/1.1 connection ([`wire`]), over rustls for https, opened again whenever it closes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::Url;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::Plan;
use super::wire::{AnswerReader, Stream, WireError};
use crate::client::{NetFailure, classify_error};
use crate::delivery::{Composer, merge_headers};
use crate::error::{Error, Result};
use crate::scheme::Header;

/// Where every delivery of a run goes, worked out once: the addresses, TLS, and the start
/// of every request.
pub struct Target {
    addrs: Vec<SocketAddr>,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    /// The request line and the headers every request carries: Host, User-Agent,
    /// Content-Type and the `--header`s (which replace any of those of the same name).
    head: Vec<u8>,
    /// The `--header` names, lowercased: a signature header of one of these names is left
    /// out, the user's value goes instead.
    replaced: Vec<String>,
    timeout: Duration,
}

impl Target {
    pub fn new(url: &Url, composer: &Composer, plan: &Plan) -> Result<Self> {
        let host = url
            .host()
            .ok_or_else(|| Error::usage(format!("{url} has no host")))?;
        let addrs = url.socket_addrs(|| None).map_err(|err| {
            Error::Network(format!("cannot resolve the host name of {url}: {err}"))
        })?;
        if addrs.is_empty() {
            return Err(Error::Network(format!(
                "the host name of {url} has no address"
            )));
        }
        let tls = match url.scheme() {
            "https" => {
                let name = match host {
                    url::Host::Domain(name) => ServerName::try_from(name.to_string()),
                    url::Host::Ipv4(ip) => Ok(ServerName::from(std::net::IpAddr::V4(ip))),
                    url::Host::Ipv6(ip) => Ok(ServerName::from(std::net::IpAddr::V6(ip))),
                }
                .map_err(|err| Error::usage(format!("{url}: not a TLS server name: {err}")))?;
                Some((TlsConnector::from(plan.trust.http1_tls_config()?), name))
            }
            _ => None,
        };
        Ok(Target {
            addrs,
            tls,
            head: request_head(url, composer)?,
            replaced: composer
                .extra_headers
                .iter()
                .map(|(name, _)| name.to_ascii_lowercase())
                .collect(),
            timeout: plan.timeout,
        })
    }

    /// The whole request for `body` and its signature headers (less any a `--header` of
    /// the same name replaces), ready to write.
    pub fn delivery(&self, body: &[u8], signature: &[Header]) -> Result<Delivery> {
        let mut request = Vec::with_capacity(self.head.len() + 256 + body.len());
        request.extend_from_slice(&self.head);
        for (name, value) in signature {
            if !self.replaced.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                put_header(&mut request, name, value)?;
            }
        }
        request.extend_from_slice(b"Content-Length: ");
        request.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
        request.extend_from_slice(b"\r\n\r\n");
        request.extend_from_slice(body);
        Ok(Delivery(Bytes::from(request)))
    }
}

/// `POST <path> HTTP/1.1` and the headers every delivery of `composer` carries.
fn request_head(url: &Url, composer: &Composer) -> Result<Vec<u8>> {
    let mut target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    if target.is_empty() {
        target = "/";
    }
    let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let defaults = vec![
        ("Host".to_string(), authority.to_string()),
        (
            "User-Agent".to_string(),
            crate::client::USER_AGENT.to_string(),
        ),
        (
            "Content-Type".to_string(),
            composer.content_type().to_string(),
        ),
    ];
    let mut head = format!("POST {target} HTTP/1.1\r\n").into_bytes();
    for (name, value) in merge_headers(defaults, composer.extra_headers.clone()) {
        put_header(&mut head, &name, &value)?;
    }
    Ok(head)
}

/// Appends `name: value` and CRLF, once both are checked to be sendable.
fn put_header(request: &mut Vec<u8>, name: &str, value: &str) -> Result<()> {
    header_name(name)?;
    header_value(value)?;
    request.extend_from_slice(name.as_bytes());
    request.extend_from_slice(b": ");
    request.extend_from_slice(value.as_bytes());
    request.extend_from_slice(b"\r\n");
    Ok(())
}

/// A field name as RFC 9110 §5.1 allows it: a token.
fn header_name(name: &str) -> Result<()> {
    let token = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
            )
            || matches!(b, b'^' | b'_' | b'`' | b'|' | b'~')
    };
    if name.is_empty() || !name.bytes().all(token) {
        return Err(Error::usage(format!(
            "header name {name:?} cannot be sent in HTTP"
        )));
    }
    Ok(())
}

/// A field value as RFC 9110 §5.5 allows it: no control characters but tab.
fn header_value(value: &str) -> Result<()> {
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(Error::usage(format!(
            "header value {value:?} cannot be sent in HTTP"
        )));
    }
    Ok(())
}

/// One delivery's whole request, ready to go (again, for a retry or a duplicate); cloning
/// it is cheap.
#[derive(Clone)]
pub struct Delivery(Bytes);

/// A kept-alive connection idle for at least this long is looked at (without waiting)
/// before it is used again, in case the receiver closed it meanwhile.
const LOOK_AFTER_IDLE: Duration = Duration::from_millis(10);

/// A connection to the target, opened when first needed and again after it closes.
pub struct Connection {
    target: Arc<Target>,
    stream: Option<Stream>,
    answers: AnswerReader,
    /// When the last answer ended.
    idle_since: Instant,
}

impl Connection {
    pub fn new(target: Arc<Target>) -> Self {
        Connection {
            target,
            stream: None,
            answers: AnswerReader::default(),
            idle_since: Instant::now(),
        }
    }

    /// Sends one delivery and reads the whole answer within the timeout (opening the
    /// connection counts against it); the status, or why there was none.
    pub async fn exchange(&mut self, delivery: &Delivery) -> Result<u16, NetFailure> {
        let limit = self.target.timeout;
        match tokio::time::timeout(limit, self.exchange_unbounded(delivery)).await {
            Ok(Ok(status)) => Ok(status),
            Ok(Err(failure)) => {
                self.stream = None;
                Err(failure)
            }
            Err(_) => {
                // The answer may still come on this connection: never reuse it.
                self.stream = None;
                Err(NetFailure::Timeout(limit))
            }
        }
    }

    /// A kept-alive connection the receiver has closed is not used again when that shows
    /// before sending. When it only shows after (the receiver closed it as the request
    /// went out: closed or reset before any byte of an answer), the delivery goes once more
    /// on a new connection, byte for byte, as a provider's retry would.
    async fn exchange_unbounded(&mut self, delivery: &Delivery) -> Result<u16, NetFailure> {
        if self.idle_since.elapsed() >= LOOK_AFTER_IDLE
            && self.stream.as_mut().is_some_and(|stream| !stream.is_open())
        {
            self.stream = None;
        }
        let reused = self.stream.is_some();
        let answered = match self.try_exchange(delivery).await {
            Err(err) if reused && !self.answers.answer_started() && err.is_closed_connection() => {
                self.stream = None;
                self.try_exchange(delivery).await
            }
            answered => answered,
        };
        self.idle_since = Instant::now();
        answered.map_err(|err| self.failure(&err))
    }

    async fn try_exchange(&mut self, delivery: &Delivery) -> Result<u16, WireError> {
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => {
                self.answers.reset();
                // Boxed: connecting (TLS above all) is rare, and its large future would
                // otherwise be moved about in every exchange.
                self.stream.insert(Box::pin(self.open()).await?)
            }
        };
        if let Err(unsent) = stream.send(&delivery.0).await {
            // A receiver may answer (413, say) and close before it has read the whole body;
            // its answer counts, else the write's error does.
            let answered = self.answers.read(stream).await;
            self.stream = None;
            return answered
                .map(|answer| answer.status)
                .map_err(|_| unsent.into());
        }
        let answer = self.answers.read(stream).await?;
        if !answer.reusable {
            self.stream = None;
        }
        Ok(answer.status)
    }

    async fn open(&self) -> Result<Stream, WireError> {
        let tcp = self.connect_tcp().await?;
        let _ = tcp.set_nodelay(true);
        match &self.target.tls {
            None => Ok(Stream::Plain(tcp)),
            Some((connector, name)) => {
                let tls = connector.connect(name.clone(), tcp).await?;
                Ok(Stream::Tls(Box::new(tls)))
            }
        }
    }

    async fn connect_tcp(&self) -> std::io::Result<TcpStream> {
        let mut last = None;
        for addr in &self.target.addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last = Some(err),
            }
        }
        Err(last.unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "the host name has no address")
        }))
    }

    /// Ends the connection, if open, as it should end (see [`Stream::close`]).
    pub async fn close(&mut self) {
        if let Some(stream) = self.stream.take() {
            stream.close().await;
        }
    }

    fn failure(&self, err: &WireError) -> NetFailure {
        match err {
            WireError::Io(io) => classify_error(io, self.target.timeout),
            other => classify_error(other, self.target.timeout),
        }
    }
}

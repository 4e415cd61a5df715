//! One load connection: where it goes (resolved, framed and trusted once, in [`Target`]) and
//! a hyper HTTP/1.1 connection, over rustls for https, opened again whenever it closes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use reqwest::Url;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::Plan;
use crate::client::{NetFailure, classify_error};
use crate::delivery::Composer;
use crate::error::{Error, Result};
use crate::scheme::Header;

/// Where every delivery of a run goes, worked out once: the addresses, TLS, the request
/// target and the headers every request carries.
pub struct Target {
    addrs: Vec<SocketAddr>,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    path: Uri,
    /// Host, User-Agent, Content-Type and the `--header`s, in that order of precedence.
    headers: HeaderMap,
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
        let mut target = url[url::Position::BeforePath..url::Position::AfterQuery].to_string();
        if target.is_empty() {
            target.push('/');
        }
        let path = Uri::try_from(target)
            .map_err(|err| Error::usage(format!("{url}: cannot use its path: {err}")))?;
        let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
        let mut headers = HeaderMap::new();
        headers.insert(HOST, header_value(authority)?);
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(crate::client::USER_AGENT),
        );
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(composer.content_type()),
        );
        for (name, value) in &composer.extra_headers {
            headers.insert(header_name(name)?, header_value(value)?);
        }
        Ok(Target {
            addrs,
            tls,
            path,
            headers,
            timeout: plan.timeout,
        })
    }

    /// A delivery of `body` and its signature headers, less any a `--header` of the same
    /// name replaces.
    pub fn delivery(
        &self,
        body: &[u8],
        signature: &[Header],
        names: &mut NameCache,
    ) -> Result<Delivery> {
        let mut headers = Vec::with_capacity(signature.len());
        for (name, value) in signature {
            let name = names.get(name)?;
            if !self.headers.contains_key(&name) {
                headers.push((name, header_value(value)?));
            }
        }
        Ok(Delivery {
            body: Bytes::copy_from_slice(body),
            signature: headers,
        })
    }

    /// The request for a delivery: the prebuilt headers, then its signature.
    fn request(&self, delivery: &Delivery) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(delivery.body.clone()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.path.clone();
        let headers = request.headers_mut();
        *headers = self.headers.clone();
        headers.reserve(delivery.signature.len());
        for (name, value) in &delivery.signature {
            headers.insert(name.clone(), value.clone());
        }
        request
    }
}

fn header_value(value: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::usage(format!("header value {value:?} cannot be sent in HTTP")))
}

fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::usage(format!("header name {name:?} cannot be sent in HTTP")))
}

/// Signature header names, parsed once per connection rather than once per delivery.
#[derive(Default)]
pub struct NameCache(Vec<(String, HeaderName)>);

impl NameCache {
    fn get(&mut self, name: &str) -> Result<HeaderName> {
        if let Some((_, parsed)) = self.0.iter().find(|(known, _)| known == name) {
            return Ok(parsed.clone());
        }
        let parsed = header_name(name)?;
        self.0.push((name.to_string(), parsed.clone()));
        Ok(parsed)
    }
}

/// One delivery ready to go (again, for a retry or a duplicate): its body and signature
/// headers; cloning it is cheap.
#[derive(Clone)]
pub struct Delivery {
    body: Bytes,
    signature: Vec<(HeaderName, HeaderValue)>,
}

/// A connection to the target, opened when first needed and again after it closes.
pub struct Connection {
    target: Arc<Target>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    pub fn new(target: Arc<Target>) -> Self {
        Connection {
            target,
            sender: None,
        }
    }

    /// Sends one delivery and reads the whole answer within the timeout (opening the
    /// connection counts against it); the status, or why there was none.
    pub async fn exchange(&mut self, delivery: &Delivery) -> Result<u16, NetFailure> {
        let limit = self.target.timeout;
        match tokio::time::timeout(limit, self.exchange_unbounded(delivery)).await {
            Ok(Ok(status)) => Ok(status),
            Ok(Err(failure)) => {
                self.sender = None;
                Err(failure)
            }
            Err(_) => {
                // The answer may still come on this connection: never reuse it.
                self.sender = None;
                Err(NetFailure::Timeout(limit))
            }
        }
    }

    async fn exchange_unbounded(&mut self, delivery: &Delivery) -> Result<u16, NetFailure> {
        let reusable = match self.sender.as_mut() {
            Some(sender) => sender.ready().await.is_ok(),
            None => false,
        };
        let mut sender = match self.sender.take() {
            Some(sender) if reusable => sender,
            _ => self.open().await?,
        };
        let response = sender
            .send_request(self.target.request(delivery))
            .await
            .map_err(|err| self.failure(&err))?;
        let status = response.status().as_u16();
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            frame.map_err(|err| self.failure(&err))?;
        }
        self.sender = Some(sender);
        Ok(status)
    }

    async fn open(&self) -> Result<SendRequest<Full<Bytes>>, NetFailure> {
        let tcp = self.connect_tcp().await?;
        let _ = tcp.set_nodelay(true);
        match &self.target.tls {
            None => self.handshake(tcp).await,
            Some((connector, name)) => {
                let tls = connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|err| self.failure(&err))?;
                self.handshake(tls).await
            }
        }
    }

    async fn connect_tcp(&self) -> Result<TcpStream, NetFailure> {
        let mut last = None;
        for addr in &self.target.addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last = Some(self.failure(&err)),
            }
        }
        Err(last.unwrap_or_else(|| NetFailure::Dns("the host name has no address".into())))
    }

    async fn handshake<T>(&self, io: T) -> Result<SendRequest<Full<Bytes>>, NetFailure>
    where
        T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, connection) = hyper::client::conn::http1::Builder::new()
            .handshake(TokioIo::new(io))
            .await
            .map_err(|err| self.failure(&err))?;
        tokio::task::spawn_local(async move {
            // Its end is seen by the sender: `ready` fails and the next delivery reconnects.
            let _ = connection.await;
        });
        Ok(sender)
    }

    fn failure(&self, err: &(dyn std::error::Error + 'static)) -> NetFailure {
        classify_error(err, self.target.timeout)
    }
}

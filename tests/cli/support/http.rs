//! A hand-written HTTP/1.1 client on a raw `TcpStream` (no extra crates), so tests control
//! every byte that reaches a listener, and read the answer back whatever carried it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Socket read/write timeout of an ordinary exchange, so a silent listener fails the test.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A response as read off the wire.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Builds an HTTP/1.1 request with Host and Content-Length added, headers in the given order.
pub fn request_bytes(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    keep_alive: bool,
) -> Vec<u8> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A connection to 127.0.0.1:`port` whose reads and writes give up after `timeout`.
#[track_caller]
pub fn connect(port: u16, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the listener");
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.set_write_timeout(Some(timeout)).unwrap();
    stream
}

/// Writes `raw` on a new connection and reads one response, each socket operation bounded
/// by `timeout`. A write error is ignored (the server may answer and close before reading
/// everything); the response decides.
#[track_caller]
pub fn try_exchange_within(port: u16, raw: &[u8], timeout: Duration) -> std::io::Result<HttpReply> {
    let mut stream = connect(port, timeout);
    let _ = stream.write_all(raw);
    let _ = stream.flush();
    read_response(&mut BufReader::new(stream))
}

/// [`try_exchange_within`] [`IO_TIMEOUT`].
#[track_caller]
pub fn try_exchange(port: u16, raw: &[u8]) -> std::io::Result<HttpReply> {
    try_exchange_within(port, raw, IO_TIMEOUT)
}

/// `try_exchange` that fails the test on an I/O error.
#[track_caller]
pub fn exchange(port: u16, raw: &[u8]) -> HttpReply {
    try_exchange(port, raw)
        .unwrap_or_else(|err| panic!("no HTTP response from the listener: {err}"))
}

/// POST on a new connection (Connection: close).
pub fn post(port: u16, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
    exchange(
        port,
        &request_bytes(port, "POST", target, headers, body, false),
    )
}

/// A keep-alive connection that carries several requests one after another.
pub struct Connection {
    port: u16,
    reader: BufReader<TcpStream>,
}

impl Connection {
    pub fn open(port: u16) -> Self {
        Connection {
            port,
            reader: BufReader::new(connect(port, IO_TIMEOUT)),
        }
    }

    pub fn post(&mut self, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
        let raw = request_bytes(self.port, "POST", target, headers, body, true);
        self.reader
            .get_mut()
            .write_all(&raw)
            .expect("write the request");
        read_response(&mut self.reader).expect("read the response")
    }
}

/// Reads one HTTP/1.1 response from any byte stream (a socket, a TLS stream): status line,
/// headers, and a body framed by Content-Length, chunked encoding, or the end of the stream.
pub fn read_response<R: BufRead>(reader: &mut R) -> std::io::Result<HttpReply> {
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(bad("the connection closed before a response".into()));
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("not a status line: {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(bad("the connection closed inside the headers".into()));
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed
            .split_once(':')
            .ok_or_else(|| bad(format!("not a header: {trimmed:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(length) = find("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|_| bad(format!("bad Content-Length {length:?}")))?;
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    } else if find("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16)
                .map_err(|_| bad(format!("bad chunk size {line:?}")))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok(HttpReply {
        status,
        headers,
        body,
    })
}

//! The tests' one stand-in HTTP/1.1 server ([`StubServer`]) and the recording receiver on
//! it ([`Receiver`]), both on 127.0.0.1:0.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A request built from `Name: value` lines as `whk sign` or `--dry-run` prints them, so
/// printed signatures can go through `independently_valid`.
pub fn recorded_from_lines(lines: &str, body: &[u8]) -> Recorded {
    Recorded {
        method: "POST".into(),
        path: "/".into(),
        headers: lines
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
    }
}

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("body is JSON")
    }
}

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub delay: Duration,
    pub body: &'static str,
    pub framing: Framing,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            delay: Duration::ZERO,
            body: "",
            framing: Framing::Length,
        }
    }

    pub fn framed(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    pub fn with_body(mut self, body: &'static str) -> Self {
        self.body = body;
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A [`StubServer`] on 127.0.0.1:0 that records every request and plays `replies` in
/// order, the last one repeating; a reply's delay holds up only its own connection. Stops
/// when dropped.
pub struct Receiver {
    pub port: u16,
    state: Arc<ReceiverState>,
    _server: StubServer,
}

#[derive(Default)]
struct ReceiverState {
    recorded: Mutex<Vec<Recorded>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Receiver {
    pub fn start(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a receiver needs at least one reply");
        let state = Arc::new(ReceiverState::default());
        let shared = state.clone();
        let server = StubServer::start(move |request| {
            // Recording and choosing the reply under one lock: the nth request recorded gets
            // the nth reply, however many connections arrive at once.
            let reply = {
                let mut recorded = shared.recorded.lock().unwrap();
                let reply = replies[recorded.len().min(replies.len() - 1)].clone();
                recorded.push(request);
                reply
            };
            let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            shared.peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(reply.delay);
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            StubAnswer {
                status: reply.status,
                body: reply.body.as_bytes().to_vec(),
                framing: reply.framing,
            }
        });
        Receiver {
            port: server.port,
            state,
            _server: server,
        }
    }

    /// A receiver that answers 200 with `{"received":true}` to everything.
    pub fn ok() -> Self {
        Receiver::start(vec![Reply::status(200).with_body(r#"{"received":true}"#)])
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.recorded.lock().unwrap().clone()
    }

    /// The most requests that were waiting for their answer at the same time.
    pub fn peak_in_flight(&self) -> usize {
        self.state.peak.load(Ordering::SeqCst)
    }
}

/// What a [`StubServer`] answers to one request: framed as `framing` says (no body for
/// 204 and 304, nor to a HEAD request).
#[derive(Clone, Debug)]
pub struct StubAnswer {
    pub status: u16,
    pub body: Vec<u8>,
    pub framing: Framing,
}

/// How a [`StubServer`] frames an answer, and whether the connection stays open after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length`, kept alive.
    Length,
    /// `Transfer-Encoding: chunked`, three bytes a chunk with an extension, and a trailer.
    Chunked,
    /// No length: the body ends when the server closes the connection.
    UntilClose,
    /// `Content-Length`, then the connection is closed without a `Connection: close`, as a
    /// server timing out idle connections does.
    QuietClose,
    /// These bytes instead of an answer, then the connection is closed.
    Raw(&'static [u8]),
}

/// How long one read waits before the connection checks whether its server has stopped.
const STUB_POLL: Duration = Duration::from_millis(50);
/// From its first byte, a request must be complete within this long, or its connection is
/// closed unanswered.
const STUB_REQUEST_DEADLINE: Duration = Duration::from_secs(30);
/// A write that cannot finish within this long (the client stopped reading) ends the
/// connection.
const STUB_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Larger request heads are refused with 431, larger bodies with 413: enough for any test,
/// and a garbage length never makes the stand-in allocate gigabytes.
const STUB_MAX_HEAD: usize = 64 * 1024;
const STUB_MAX_BODY: usize = 64 * 1024 * 1024;
const STUB_MAX_HEADERS: usize = 128;

/// The tests' one stand-in HTTP/1.1 server, on 127.0.0.1:0 with a thread per connection:
/// keep-alive, request bodies framed by `Content-Length` or chunked (with trailers and
/// `Expect: 100-continue`), answers framed by `Content-Length`. `handle` runs on the
/// connection's own thread for each complete request, so it may sleep to answer late
/// without holding up other connections. Malformed requests get 400 and a closed
/// connection. Every read is bounded by a timeout. Dropping the server stops the accept
/// loop; connection threads notice within `STUB_POLL` of their next idle read.
pub struct StubServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl StubServer {
    pub fn start(handle: impl Fn(Recorded) -> StubAnswer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("a local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let handle: Arc<dyn Fn(Recorded) -> StubAnswer + Send + Sync> = Arc::new(handle);
        let flag = stop.clone();
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                match stream {
                    Ok(stream) => {
                        let (handle, flag) = (handle.clone(), flag.clone());
                        std::thread::spawn(move || serve_connection(stream, &*handle, &flag));
                    }
                    // Out of file descriptors, say: give the system a moment.
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        StubServer {
            port,
            stop,
            accept: Some(accept),
        }
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The accept loop blocks in accept(): one connection of our own wakes it to see the
        // flag. Should that connection fail, the thread is left behind rather than joined.
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        if TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
            && let Some(accept) = self.accept.take()
        {
            let _ = accept.join();
        }
    }
}

/// One client connection: its socket, the bytes read but not yet used, and the stop flag.
struct StubConnection<'a> {
    stream: TcpStream,
    buffer: Vec<u8>,
    stop: &'a AtomicBool,
}

/// What reading the next request from a connection came to.
enum NextRequest {
    Complete {
        request: Recorded,
        close: bool,
    },
    /// Malformed or too large: answer this status and close.
    Refuse(u16),
    /// The client closed, the server stopped, or the request missed its deadline.
    Gone,
}

fn serve_connection(
    stream: TcpStream,
    handle: &(dyn Fn(Recorded) -> StubAnswer + Send + Sync),
    stop: &AtomicBool,
) {
    let _ = stream.set_nodelay(true);
    if stream.set_read_timeout(Some(STUB_POLL)).is_err()
        || stream.set_write_timeout(Some(STUB_WRITE_TIMEOUT)).is_err()
    {
        return;
    }
    let mut conn = StubConnection {
        stream,
        buffer: Vec::new(),
        stop,
    };
    loop {
        match conn.next_request() {
            NextRequest::Complete { request, close } => {
                let head_only = request.method == "HEAD";
                let answer = handle(request);
                let close = close
                    || answer.framing != Framing::Length && answer.framing != Framing::Chunked;
                if conn.answer(&answer, head_only, close).is_err() || close {
                    return conn.close();
                }
            }
            NextRequest::Refuse(status) => {
                let body = format!("stand-in receiver: refused with {status}\n").into_bytes();
                let answer = StubAnswer {
                    status,
                    body,
                    framing: Framing::Length,
                };
                let _ = conn.answer(&answer, false, true);
                return conn.close();
            }
            NextRequest::Gone => return,
        }
    }
}

impl StubConnection<'_> {
    /// Reads more bytes into the buffer; false when the client closed, the server stopped
    /// or `deadline` passed. Each read waits at most `STUB_POLL`.
    fn fill(&mut self, deadline: Option<Instant>) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return true;
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    if self.stop.load(Ordering::SeqCst)
                        || deadline.is_some_and(|d| Instant::now() >= d)
                    {
                        return false;
                    }
                }
                Err(_) => return false,
            }
        }
    }

    fn next_request(&mut self) -> NextRequest {
        // An idle keep-alive connection waits for as long as the client keeps it; a started
        // request has STUB_REQUEST_DEADLINE to arrive whole.
        let mut deadline =
            (!self.buffer.is_empty()).then(|| Instant::now() + STUB_REQUEST_DEADLINE);
        let (head_len, method, path, version, headers) = loop {
            let mut slots = [httparse::EMPTY_HEADER; STUB_MAX_HEADERS];
            let mut parsed = httparse::Request::new(&mut slots);
            match parsed.parse(&self.buffer) {
                Ok(httparse::Status::Complete(len)) => {
                    let headers: Vec<(String, String)> = parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect();
                    break (
                        len,
                        parsed.method.unwrap_or_default().to_string(),
                        parsed.path.unwrap_or_default().to_string(),
                        parsed.version.unwrap_or(1),
                        headers,
                    );
                }
                Ok(httparse::Status::Partial) if self.buffer.len() > STUB_MAX_HEAD => {
                    return NextRequest::Refuse(431);
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return NextRequest::Refuse(431),
                Err(_) => return NextRequest::Refuse(400),
            }
            if !self.fill(deadline) {
                return NextRequest::Gone;
            }
            deadline.get_or_insert_with(|| Instant::now() + STUB_REQUEST_DEADLINE);
        };
        let deadline = deadline.unwrap_or_else(|| Instant::now() + STUB_REQUEST_DEADLINE);
        self.buffer.drain(..head_len);

        let values = |name: &str| -> Vec<&str> {
            headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
                .collect()
        };
        let tokens = |name: &str| -> Vec<String> {
            values(name)
                .iter()
                .flat_map(|v| v.split(','))
                .map(|t| t.trim().to_ascii_lowercase())
                .filter(|t| !t.is_empty())
                .collect()
        };
        let codings = tokens("Transfer-Encoding");
        let lengths = values("Content-Length");
        // RFC 9112 section 6: chunked must be the last coding, and a message with both
        // framings is refused rather than guessed at.
        let chunked = match codings.last() {
            None => false,
            Some(last) if last == "chunked" && lengths.is_empty() => true,
            Some(_) => return NextRequest::Refuse(400),
        };
        let length = if chunked {
            None
        } else {
            let mut parsed = lengths.iter().map(|v| {
                (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| v.parse::<usize>().ok())
                    .flatten()
            });
            let first = parsed.next().unwrap_or(Some(0));
            match first {
                Some(n) if parsed.all(|other| other == Some(n)) => Some(n),
                _ => return NextRequest::Refuse(400),
            }
        };
        if length.is_some_and(|n| n > STUB_MAX_BODY) {
            return NextRequest::Refuse(413);
        }
        let connection = tokens("Connection");
        let close = if version == 0 {
            !connection.iter().any(|t| t == "keep-alive")
        } else {
            connection.iter().any(|t| t == "close")
        };
        let wants_body = chunked || length.is_some_and(|n| n > 0);
        if version == 1
            && wants_body
            && self.buffer.is_empty()
            && values("Expect")
                .iter()
                .any(|v| v.eq_ignore_ascii_case("100-continue"))
            && self
                .stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .is_err()
        {
            return NextRequest::Gone;
        }

        let body = match length {
            Some(n) => {
                while self.buffer.len() < n {
                    if !self.fill(Some(deadline)) {
                        return NextRequest::Gone;
                    }
                }
                self.buffer.drain(..n).collect()
            }
            None => match self.chunked_body(deadline) {
                Ok(body) => body,
                Err(next) => return next,
            },
        };
        NextRequest::Complete {
            request: Recorded {
                method,
                path,
                headers,
                body,
                at: Instant::now(),
            },
            close,
        }
    }

    /// Decodes a chunked body from the buffer, reading as needed, trailers included.
    fn chunked_body(&mut self, deadline: Instant) -> Result<Vec<u8>, NextRequest> {
        let mut body = Vec::new();
        loop {
            let (used, size) = loop {
                match httparse::parse_chunk_size(&self.buffer) {
                    Ok(httparse::Status::Complete(found)) => break found,
                    Ok(httparse::Status::Partial) if self.buffer.len() > 1024 => {
                        return Err(NextRequest::Refuse(400));
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(_) => return Err(NextRequest::Refuse(400)),
                }
                if !self.fill(Some(deadline)) {
                    return Err(NextRequest::Gone);
                }
            };
            if size == 0 {
                self.buffer.drain(..used);
                break;
            }
            let size = match usize::try_from(size) {
                Ok(size) if body.len().saturating_add(size) <= STUB_MAX_BODY => size,
                _ => return Err(NextRequest::Refuse(413)),
            };
            while self.buffer.len() < used + size + 2 {
                if !self.fill(Some(deadline)) {
                    return Err(NextRequest::Gone);
                }
            }
            if &self.buffer[used + size..used + size + 2] != b"\r\n" {
                return Err(NextRequest::Refuse(400));
            }
            body.extend_from_slice(&self.buffer[used..used + size]);
            self.buffer.drain(..used + size + 2);
        }
        // Trailer fields, if any, then the empty line that ends the message.
        loop {
            let mut slots = [httparse::EMPTY_HEADER; STUB_MAX_HEADERS];
            match httparse::parse_headers(&self.buffer, &mut slots) {
                Ok(httparse::Status::Complete((used, _))) => {
                    self.buffer.drain(..used);
                    return Ok(body);
                }
                Ok(httparse::Status::Partial) if self.buffer.len() > STUB_MAX_HEAD => {
                    return Err(NextRequest::Refuse(431));
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return Err(NextRequest::Refuse(400)),
            }
            if !self.fill(Some(deadline)) {
                return Err(NextRequest::Gone);
            }
        }
    }

    fn answer(&mut self, answer: &StubAnswer, head_only: bool, close: bool) -> std::io::Result<()> {
        let status = answer.status;
        let bodiless = status < 200 || status == 204 || status == 304;
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
        if !bodiless {
            head.push_str("Content-Type: text/plain; charset=utf-8\r\n");
            match answer.framing {
                Framing::Length | Framing::QuietClose => {
                    head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
                }
                Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
                Framing::UntilClose | Framing::Raw(_) => {}
            }
        }
        if close && answer.framing != Framing::QuietClose {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if !bodiless && !head_only {
            if answer.framing == Framing::Chunked {
                for chunk in answer.body.chunks(3) {
                    bytes.extend_from_slice(format!("{:x};ext=1\r\n", chunk.len()).as_bytes());
                    bytes.extend_from_slice(chunk);
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(b"0\r\nX-Trailer: done\r\n\r\n");
            } else {
                bytes.extend_from_slice(&answer.body);
            }
        }
        if let Framing::Raw(raw) = answer.framing {
            bytes = raw.to_vec();
        }
        self.stream.write_all(&bytes)?;
        self.stream.flush()
    }

    /// Closes after a last answer: our side first, then whatever the client still sends is
    /// read and dropped for a moment, so unread bytes do not turn the close into a reset
    /// that could lose the answer.
    fn close(mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
        let until = Instant::now() + Duration::from_secs(1);
        let mut sink = [0u8; 4096];
        while Instant::now() < until {
            match self.stream.read(&mut sink) {
                Ok(0) => return,
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return,
            }
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A URL on 127.0.0.1 where nothing listens: a port bound and released at once.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hook")
}

/// The stand-in server itself: framing, keep-alive, refusals and stopping.
mod stub_tests {
    use std::io::{BufReader, Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    use super::{Receiver, Reply};
    use crate::support::{Connection, exchange, read_response};

    fn connect(port: u16) -> TcpStream {
        crate::support::connect(port, Duration::from_secs(5))
    }

    #[test]
    fn keep_alive_carries_several_requests_and_answers_carry_content_length() {
        let receiver = Receiver::start(vec![
            Reply::status(201).with_body("first"),
            Reply::status(500).with_body("second"),
        ]);
        let mut connection = Connection::open(receiver.port);
        let one = connection.post("/a?x=1", &[("X-One", "1")], b"{\"n\":1}");
        let two = connection.post("/b", &[], b"");
        assert_eq!((one.status, one.text().as_str()), (201, "first"));
        assert_eq!(one.header("Content-Length"), Some("5"));
        assert_eq!((two.status, two.text().as_str()), (500, "second"));
        let requests = receiver.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].method, "POST");
        assert_eq!(requests[0].path, "/a?x=1");
        assert_eq!(requests[0].header("x-one"), Some("1"));
        assert_eq!(requests[0].body, b"{\"n\":1}");
        assert_eq!(requests[1].path, "/b");
        assert!(requests[1].body.is_empty());
    }

    #[test]
    fn chunked_bodies_are_decoded_with_extensions_and_trailers() {
        let receiver = Receiver::ok();
        let raw = format!(
            "POST /c HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nTransfer-Encoding: chunked\r\n\r\n\
             5;name=x\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
            receiver.port
        );
        let reply = exchange(receiver.port, raw.as_bytes());
        assert_eq!(reply.status, 200);
        assert_eq!(reply.text(), r#"{"received":true}"#);
        let requests = receiver.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].body, b"hello, world");
    }

    #[test]
    fn expect_100_continue_is_answered_before_the_body() {
        let receiver = Receiver::ok();
        let mut stream = connect(receiver.port);
        let head = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
            receiver.port
        );
        stream.write_all(head.as_bytes()).unwrap();
        let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
        let mut got = vec![0u8; interim.len()];
        stream.read_exact(&mut got).expect("100 Continue arrives");
        assert_eq!(got, interim);
        stream.write_all(b"body").unwrap();
        let reply = read_response(&mut BufReader::new(stream)).expect("the answer");
        assert_eq!(reply.status, 200);
        assert_eq!(receiver.requests()[0].body, b"body");
    }

    #[test]
    fn malformed_requests_are_refused_with_400() {
        let receiver = Receiver::ok();
        let port = receiver.port;
        for raw in [
            "NOT HTTP AT ALL\r\n\r\n".to_string(),
            format!(
                "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            ),
            format!(
                "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"
            ),
            format!("POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: -1\r\n\r\n"),
            format!(
                "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
            ),
        ] {
            let reply = exchange(port, raw.as_bytes());
            assert_eq!(reply.status, 400, "{raw:?}");
            assert_eq!(reply.header("Connection"), Some("close"), "{raw:?}");
        }
        assert!(receiver.requests().is_empty());
    }

    #[test]
    fn a_slow_answer_holds_up_only_its_own_connection() {
        let receiver = Receiver::start(vec![
            Reply::status(200).after(Duration::from_secs(2)),
            Reply::status(202),
        ]);
        let port = receiver.port;
        let slow = std::thread::spawn(move || Connection::open(port).post("/slow", &[], b"1"));
        while receiver.requests().is_empty() {
            std::thread::sleep(Duration::from_millis(5));
        }
        // A client that sends half a request and stalls holds up nobody either.
        let mut stalled = connect(port);
        stalled
            .write_all(b"POST /stalled HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let started = Instant::now();
        let fast = Connection::open(port).post("/fast", &[], b"2");
        assert_eq!(fast.status, 202);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(slow.join().unwrap().status, 200);
        assert_eq!(receiver.peak_in_flight(), 2);
    }

    #[test]
    fn dropping_the_receiver_closes_idle_keep_alive_connections() {
        let receiver = Receiver::ok();
        let mut connection = Connection::open(receiver.port);
        assert_eq!(connection.post("/", &[], b"{}").status, 200);
        let mut idle = connect(receiver.port);
        let started = Instant::now();
        drop(receiver);
        let mut byte = [0u8; 1];
        assert_eq!(idle.read(&mut byte).expect("EOF, not a timeout"), 0);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
}

//! HTTP/1.1 on one load connection without a connection task: a request is one buffer,
//! written in one go, and its answer is read in the same task with httparse, the body
//! skipped by `Content-Length`, by chunks, or up to the connection's end.
//!
//! hyper's client runs every connection as a task of its own and passes each request and
//! answer across channels; on two cores that hand-over cost more CPU per delivery than
//! composing and signing it (BENCHMARKS.md). Load mode needs only the status and where
//! the answer ends, so that is all this reads.

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use httparse::Status;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// Bytes read from the socket at a time, and the buffer's starting size.
const READ_CHUNK: usize = 16 * 1024;
/// An answer's head (status line and headers), or its trailers, may be at most this long.
pub const MAX_HEAD: usize = 64 * 1024;
/// An answer may carry at most this many headers (or trailers).
const MAX_HEADERS: usize = 128;
/// How long closing a connection at the end of a run may take.
const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_millis(200);

/// A connection's socket, plain or TLS.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// Writes all of `request` and pushes it onto the wire.
    pub async fn send(&mut self, request: &[u8]) -> io::Result<()> {
        match self {
            Stream::Plain(tcp) => tcp.write_all(request).await,
            Stream::Tls(tls) => {
                tls.write_all(request).await?;
                tls.flush().await
            }
        }
    }
}

impl Stream {
    /// Ends the connection as it should end: for TLS with a close_notify, so the receiver
    /// sees a clean end rather than a cut-off stream. Waits at most [`CLOSE_GRACE`].
    pub async fn close(mut self) {
        let shutdown = async {
            match &mut self {
                Stream::Plain(tcp) => tcp.shutdown().await,
                Stream::Tls(tls) => tls.shutdown().await,
            }
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, shutdown).await;
    }

    /// Whether the connection still looks usable, seen without waiting: false once the
    /// receiver has closed or reset it, or sent bytes nobody asked for.
    pub fn is_open(&mut self) -> bool {
        let mut byte = [0u8; 1];
        let mut buf = ReadBuf::new(&mut byte);
        let mut cx = Context::from_waker(Waker::noop());
        Pin::new(self).poll_read(&mut cx, &mut buf).is_pending()
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

/// Why an answer could not be read.
#[derive(Debug)]
pub enum WireError {
    Io(io::Error),
    /// The connection ended; `answered` says whether any byte of the answer had come.
    Closed {
        answered: bool,
    },
    /// What came is not an HTTP/1.1 answer, or breaks a limit.
    Malformed(String),
}

impl WireError {
    /// How a kept-alive connection the receiver had closed (it may time idle connections
    /// out) looks: closed or reset before any byte of an answer came. The reader's
    /// [`AnswerReader::answer_started`] says whether one had.
    pub fn is_closed_connection(&self) -> bool {
        match self {
            WireError::Closed { answered } => !answered,
            WireError::Io(err) => matches!(
                err.kind(),
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::ConnectionAborted
            ),
            WireError::Malformed(_) => false,
        }
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Io(err) => err.fmt(f),
            WireError::Closed { answered: false } => {
                f.write_str("the receiver closed the connection without answering")
            }
            WireError::Closed { answered: true } => {
                f.write_str("the receiver closed the connection in the middle of its answer")
            }
            WireError::Malformed(why) => write!(f, "a broken HTTP/1.1 answer: {why}"),
        }
    }
}

/// An `Io` error shows its cause's text as its own, so it names no source.
impl std::error::Error for WireError {}

impl From<io::Error> for WireError {
    fn from(err: io::Error) -> Self {
        WireError::Io(err)
    }
}

/// How an answer's body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// It has none (1xx, 204, 304).
    Empty,
    Length(u64),
    Chunked,
    /// At the end of the connection.
    UntilClose,
}

/// What an answer's head says.
#[derive(Debug)]
struct Head {
    status: u16,
    framing: Framing,
    /// `Connection: close`, or HTTP/1.0 without keep-alive.
    close: bool,
}

/// The final answer to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// Whether the next request may go on the same connection.
    pub reusable: bool,
}

/// Reads answers off one connection, keeping what it read ahead for the next step.
pub struct AnswerReader {
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// Whether any byte of the current answer has come.
    answered: bool,
}

impl Default for AnswerReader {
    fn default() -> Self {
        AnswerReader {
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            answered: false,
        }
    }
}

impl AnswerReader {
    /// Forgets anything read from a previous connection.
    pub fn reset(&mut self) {
        self.start = 0;
        self.end = 0;
        self.answered = false;
    }

    /// Whether any byte of the answer being read had come.
    pub fn answer_started(&self) -> bool {
        self.answered
    }

    /// Reads the final answer to one request (skipping 100 Continue and other interim
    /// answers) and its whole body.
    pub async fn read<S: AsyncRead + Unpin>(&mut self, io: &mut S) -> Result<Answer, WireError> {
        self.answered = self.start < self.end;
        loop {
            let head = self.head(io).await?;
            if (100..200).contains(&head.status) && head.status != 101 {
                continue;
            }
            self.skip_body(io, head.framing).await?;
            // Bytes beyond the answer were sent out of turn: the connection is not trusted.
            let reusable = !head.close
                && head.status != 101
                && head.framing != Framing::UntilClose
                && self.start == self.end;
            return Ok(Answer {
                status: head.status,
                reusable,
            });
        }
    }

    /// Reads more bytes after the unread ones, growing the buffer up to `MAX_HEAD` plus a
    /// chunk; an error if the connection has ended.
    async fn fill<S: AsyncRead + Unpin>(&mut self, io: &mut S) -> Result<(), WireError> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() && self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(MAX_HEAD + READ_CHUNK);
            if grown == self.buf.len() {
                return Err(WireError::Malformed(
                    "a head, chunk size line or trailers over 64 KiB".into(),
                ));
            }
            self.buf.resize(grown, 0);
        }
        let read = match io.read(&mut self.buf[self.end..]).await {
            // A TLS peer that closes without close_notify: the end of the connection all
            // the same (an answer framed by it is complete; only its status matters here).
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => 0,
            read => read?,
        };
        if read == 0 {
            return Err(WireError::Closed {
                answered: self.answered,
            });
        }
        self.answered = true;
        self.end += read;
        Ok(())
    }

    fn unread(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    async fn head<S: AsyncRead + Unpin>(&mut self, io: &mut S) -> Result<Head, WireError> {
        // How much of the unread bytes is known to hold no blank line: a head that trickles
        // in is parsed again only once its end may have come, never once per byte.
        let mut searched: usize = 0;
        loop {
            let unread = self.unread();
            let from = searched.saturating_sub(2);
            let may_end = unread[from..]
                .windows(2)
                .any(|pair| pair == b"\n\n" || pair == b"\n\r");
            if (searched == 0 || may_end)
                && let Some((length, head)) = parse_head(unread)?
            {
                self.start += length;
                return Ok(head);
            }
            searched = unread.len();
            if searched >= MAX_HEAD {
                return Err(WireError::Malformed(
                    "an answer's head is over 64 KiB".into(),
                ));
            }
            self.fill(io).await?;
        }
    }

    async fn skip_body<S: AsyncRead + Unpin>(
        &mut self,
        io: &mut S,
        framing: Framing,
    ) -> Result<(), WireError> {
        match framing {
            Framing::Empty => Ok(()),
            Framing::Length(length) => self.skip(io, length).await,
            Framing::Chunked => self.skip_chunks(io).await,
            Framing::UntilClose => loop {
                (self.start, self.end) = (0, 0);
                match self.fill(io).await {
                    Ok(()) => {}
                    Err(WireError::Closed { .. }) => return Ok(()),
                    Err(err) => return Err(err),
                }
            },
        }
    }

    /// Skips `length` bytes of body.
    async fn skip<S: AsyncRead + Unpin>(
        &mut self,
        io: &mut S,
        mut length: u64,
    ) -> Result<(), WireError> {
        loop {
            let buffered = (self.end - self.start) as u64;
            let taken = buffered.min(length);
            self.start += taken as usize;
            length -= taken;
            if length == 0 {
                return Ok(());
            }
            self.fill(io).await?;
        }
    }

    /// Skips a chunked body: sizes, data, the CRLF after each, and the trailers.
    async fn skip_chunks<S: AsyncRead + Unpin>(&mut self, io: &mut S) -> Result<(), WireError> {
        loop {
            let size = match httparse::parse_chunk_size(self.unread()) {
                Ok(Status::Complete((length, size))) => {
                    self.start += length;
                    size
                }
                Ok(Status::Partial) if self.end - self.start < MAX_HEAD => {
                    self.fill(io).await?;
                    continue;
                }
                _ => return Err(WireError::Malformed("a bad chunk size line".into())),
            };
            if size == 0 {
                return self.skip_trailers(io).await;
            }
            self.skip(io, size).await?;
            while self.end - self.start < 2 {
                self.fill(io).await?;
            }
            if self.unread()[..2] != *b"\r\n" {
                return Err(WireError::Malformed("a chunk longer than its size".into()));
            }
            self.start += 2;
        }
    }

    async fn skip_trailers<S: AsyncRead + Unpin>(&mut self, io: &mut S) -> Result<(), WireError> {
        loop {
            let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
            match httparse::parse_headers(self.unread(), &mut slots) {
                Ok(Status::Complete((length, _))) => {
                    self.start += length;
                    return Ok(());
                }
                Ok(Status::Partial) if self.end - self.start < MAX_HEAD => self.fill(io).await?,
                Ok(Status::Partial) => {
                    return Err(WireError::Malformed("trailers over 64 KiB".into()));
                }
                Err(err) => return Err(WireError::Malformed(format!("bad trailers: {err}"))),
            }
        }
    }
}

/// The head at the start of `bytes` and its length, or `None` while it is incomplete.
fn parse_head(bytes: &[u8]) -> Result<Option<(usize, Head)>, WireError> {
    // Left uninitialised: filling 128 empty headers for every answer cost more than
    // parsing one.
    let mut slots = [const { MaybeUninit::uninit() }; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut []);
    let parsed = httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut response,
        bytes,
        &mut slots,
    );
    let length = match parsed {
        Ok(Status::Complete(length)) => length,
        Ok(Status::Partial) => return Ok(None),
        Err(err) => return Err(WireError::Malformed(err.to_string())),
    };
    let status = response.code.unwrap_or_default();
    let http10 = response.version == Some(0);
    let Fields {
        content_length,
        chunked,
        mut close,
    } = Fields::of(response.headers, http10)?;
    // Both lengths, or chunks from an HTTP/1.0 server: framed by Transfer-Encoding, but
    // the connection is not to be trusted after it (RFC 9112 §6.1, §6.3).
    if chunked.is_some() && (content_length.is_some() || http10) {
        close = true;
    }
    let framing = if (100..200).contains(&status) || status == 204 || status == 304 {
        Framing::Empty
    } else {
        match (chunked, content_length) {
            (Some(true), _) => Framing::Chunked,
            (Some(false), _) => Framing::UntilClose,
            (None, Some(length)) => Framing::Length(length),
            (None, None) => Framing::UntilClose,
        }
    };
    Ok(Some((
        length,
        Head {
            status,
            framing,
            close,
        },
    )))
}

/// What an answer's headers say about where it ends and what comes after it.
struct Fields {
    content_length: Option<u64>,
    /// Whether the last transfer coding is chunked, when there is a Transfer-Encoding.
    chunked: Option<bool>,
    /// `Connection: close`, or HTTP/1.0 without keep-alive.
    close: bool,
}

impl Fields {
    fn of(headers: &[httparse::Header<'_>], http10: bool) -> Result<Fields, WireError> {
        let mut fields = Fields {
            content_length: None,
            chunked: None,
            close: false,
        };
        let mut keep_alive = false;
        for header in headers {
            if header.name.eq_ignore_ascii_case("content-length") {
                let value = parse_length(header.value)?;
                if fields.content_length.is_some_and(|known| known != value) {
                    return Err(WireError::Malformed("two different Content-Lengths".into()));
                }
                fields.content_length = Some(value);
            } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                // Only the last coding tells: chunked there ends the body by chunks.
                let last = header.value.rsplit(|&b| b == b',').next().unwrap_or(b"");
                fields.chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
            } else if header.name.eq_ignore_ascii_case("connection") {
                for token in header.value.split(|&b| b == b',') {
                    let token = token.trim_ascii();
                    if token.eq_ignore_ascii_case(b"close") {
                        fields.close = true;
                    } else if token.eq_ignore_ascii_case(b"keep-alive") {
                        keep_alive = true;
                    }
                }
            }
        }
        // `close` wins over keep-alive, whichever came first.
        fields.close |= http10 && !keep_alive;
        Ok(fields)
    }
}

/// A Content-Length: a number, or a list of the same number (RFC 9112 §6.3, item 5).
fn parse_length(value: &[u8]) -> Result<u64, WireError> {
    let mut length = None;
    for item in value.split(|&b| b == b',') {
        let number = std::str::from_utf8(item.trim_ascii())
            .ok()
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<u64>().ok())
            .ok_or_else(|| WireError::Malformed("a Content-Length that is not a number".into()))?;
        if length.is_some_and(|known| known != number) {
            return Err(WireError::Malformed("two different Content-Lengths".into()));
        }
        length = Some(number);
    }
    length.ok_or_else(|| WireError::Malformed("an empty Content-Length".into()))
}

#[cfg(test)]
mod tests;

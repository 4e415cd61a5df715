//! The socket side of one HTTP/1.1 connection, seen before hyper parses it.
//!
//! hyper hands the service lower-cased header names grouped by name; a capture keeps them as
//! sent, in arrival order. `ConnIo` watches the bytes hyper reads, parses each request head a
//! second time with httparse (names and order as they were on the wire) and follows the body
//! framing to find the next head. It also enforces the header read deadline: a head that is
//! not complete within it gets `408` and the connection is closed, and a connection that stays
//! idle that long is closed quietly.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::scheme::Header;
use crate::sync::lock;

const REQUEST_TIMEOUT: &[u8] = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 61\r\n\r\nwhk listen: the request headers did not arrive in time (408)\n";

/// What the connection's service and its owner learn from `ConnIo`.
#[derive(Default)]
pub struct ConnState {
    /// Heads parsed from the wire, oldest first, one per request hyper will hand over.
    heads: Mutex<VecDeque<Vec<Header>>>,
    /// A head was cut off by the read deadline (and answered 408).
    pub timed_out: AtomicBool,
    /// A head grew above the header byte limit. hyper's own buffer limit is not exact (a
    /// head that arrives in one large read can pass it), so the request it belongs to is
    /// refused with 431 by the service.
    head_too_large: AtomicBool,
    /// Requests handed to the service and not yet answered: no read deadline meanwhile.
    pub busy: std::sync::atomic::AtomicUsize,
}

/// What `ConnIo` saw of the head of the request hyper hands over next.
#[derive(Debug, PartialEq, Eq)]
pub enum WireHead {
    /// The headers as sent, in arrival order.
    AsSent(Vec<Header>),
    /// Not recorded, or not what hyper parsed: use hyper's headers.
    Unknown,
    /// Above the header byte limit: refuse with 431.
    TooLarge,
}

impl ConnState {
    /// The next request's head: its headers as sent when they agree with what hyper parsed
    /// (same count, same names), or `TooLarge` when no head was recorded because it grew
    /// above the limit.
    pub fn take_head(&self, parsed: &http::HeaderMap) -> WireHead {
        let Some(head) = lock(&self.heads).pop_front() else {
            return if self.head_too_large.load(Ordering::Relaxed) {
                WireHead::TooLarge
            } else {
                WireHead::Unknown
            };
        };
        let agrees = head.len() == parsed.len()
            && head
                .iter()
                .all(|(name, _)| parsed.contains_key(name.as_str()));
        if agrees {
            WireHead::AsSent(head)
        } else {
            WireHead::Unknown
        }
    }
}

/// Where the byte stream is, as far as the framing goes.
enum Framing {
    /// Reading a request head; the bytes so far.
    Head(Vec<u8>),
    /// Skipping a body of known length.
    Length(u64),
    /// Skipping a chunked body.
    Chunked(Chunked),
    /// Lost the framing (an upgrade, or a request hyper will refuse): stop recording.
    Lost,
}

enum Chunked {
    /// The chunk-size line so far.
    Size(Vec<u8>),
    Data(u64),
    /// The CRLF after a chunk's data.
    DataEnd,
    /// Trailer lines after the last chunk; the current line so far.
    Trailer(Vec<u8>),
}

/// A limit on the bytes kept for one line of chunked framing.
const MAX_CHUNK_LINE: usize = 4096;

pub struct ConnIo<T> {
    io: T,
    state: Arc<ConnState>,
    framing: Framing,
    header_limit: usize,
    header_count: usize,
    read_timeout: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<T> ConnIo<T> {
    pub fn new(
        io: T,
        header_limit: usize,
        header_count: usize,
        read_timeout: Duration,
    ) -> (Self, Arc<ConnState>) {
        let state = Arc::new(ConnState::default());
        let conn = ConnIo {
            io,
            state: state.clone(),
            framing: Framing::Head(Vec::new()),
            header_limit,
            header_count,
            read_timeout,
            deadline: None,
        };
        (conn, state)
    }

    /// The head is above the limit: stop recording, and have its request refused.
    fn head_too_large(&mut self) {
        self.state.head_too_large.store(true, Ordering::Relaxed);
        self.framing = Framing::Lost;
    }

    fn reading_head(&self) -> bool {
        matches!(self.framing, Framing::Head(_))
    }

    /// Follows the framing over bytes just read.
    fn observe(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let used = match &mut self.framing {
                Framing::Lost => return,
                Framing::Head(_) => self.observe_head(bytes),
                Framing::Length(left) => {
                    let used = (*left).min(bytes.len() as u64);
                    *left -= used;
                    if *left == 0 {
                        self.framing = Framing::Head(Vec::new());
                    }
                    used as usize
                }
                Framing::Chunked(chunked) => {
                    let (used, done) = chunked.observe(bytes);
                    if done {
                        self.framing = Framing::Head(Vec::new());
                    } else if used == 0 {
                        self.framing = Framing::Lost;
                    }
                    used
                }
            };
            bytes = &bytes[used..];
        }
    }

    /// Adds bytes to the head; once it is complete, records it and moves to the body.
    /// Returns how many of `bytes` belonged to the head.
    fn observe_head(&mut self, bytes: &[u8]) -> usize {
        let Framing::Head(head) = &mut self.framing else {
            return 0;
        };
        // The common case, a whole head in one read: parse it where it is, without a copy.
        if head.is_empty()
            && let Some(Ok((length, headers))) = parse_head(bytes, self.header_count)
            && length <= self.header_limit
        {
            self.record(headers);
            return length;
        }
        let before = head.len();
        head.extend_from_slice(bytes);
        // Parse only when the new bytes could end the head: a blank line.
        if !may_end_head(&head[before.saturating_sub(3)..]) {
            if head.len() > self.header_limit {
                self.head_too_large();
            }
            return bytes.len();
        }
        let head = std::mem::take(head);
        match parse_head(&head, self.header_count) {
            Some(Ok((length, _))) if length > self.header_limit => {
                self.head_too_large();
                bytes.len()
            }
            Some(Ok((length, headers))) => {
                self.record(headers);
                length - before
            }
            None if head.len() <= self.header_limit => {
                self.framing = Framing::Head(head);
                bytes.len()
            }
            None => {
                self.head_too_large();
                bytes.len()
            }
            Some(Err(())) => {
                self.framing = Framing::Lost;
                bytes.len()
            }
        }
    }

    /// A complete head: queue its headers for the service and follow its body.
    fn record(&mut self, headers: Vec<Header>) {
        self.framing = body_framing(&headers);
        lock(&self.state.heads).push_back(headers);
        self.deadline = None;
    }
}

/// Whether these bytes hold a blank line, so a head may end in them.
fn may_end_head(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b"\n\n") || bytes.windows(3).any(|w| w == b"\n\r\n")
}

/// Parses a request head: `None` while it is incomplete, `Some(Err)` when it is not HTTP,
/// else its length and its headers as sent.
fn parse_head(buf: &[u8], header_count: usize) -> Option<Result<(usize, Vec<Header>), ()>> {
    let mut on_stack = [httparse::EMPTY_HEADER; STACK_HEADERS];
    let mut on_heap = Vec::new();
    let slots: &mut [httparse::Header] = if header_count <= STACK_HEADERS {
        &mut on_stack[..header_count]
    } else {
        on_heap.resize(header_count, httparse::EMPTY_HEADER);
        &mut on_heap
    };
    let mut request = httparse::Request::new(slots);
    match request.parse(buf) {
        Ok(httparse::Status::Complete(length)) => {
            Some(Ok((length, crate::scheme::owned_headers(request.headers))))
        }
        Ok(httparse::Status::Partial) => None,
        Err(_) => Some(Err(())),
    }
}

/// Header slots parsed on the stack; a larger `--max-headers` uses the heap.
const STACK_HEADERS: usize = 128;

/// Where the body of a request with these headers ends: after Content-Length bytes (none
/// without one), at the last chunk when the last transfer coding is chunked, or unknown
/// (framing hyper will refuse).
fn body_framing(headers: &[Header]) -> Framing {
    let mut length = None;
    let mut chunked = None;
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("transfer-encoding") {
            let last = value.rsplit(',').next().unwrap_or_default();
            chunked = Some(last.trim().eq_ignore_ascii_case("chunked"));
        } else if name.eq_ignore_ascii_case("content-length") {
            let Ok(n) = value.trim().parse::<u64>() else {
                return Framing::Lost;
            };
            if length.is_some_and(|l| l != n) {
                return Framing::Lost;
            }
            length = Some(n);
        }
    }
    match (chunked, length) {
        (Some(true), _) => Framing::Chunked(Chunked::Size(Vec::new())),
        (Some(false), _) => Framing::Lost,
        (None, None | Some(0)) => Framing::Head(Vec::new()),
        (None, Some(n)) => Framing::Length(n),
    }
}

impl Chunked {
    /// Follows chunked framing; returns the bytes used and whether the body ended.
    /// Using none of a non-empty input means the framing is lost.
    fn observe(&mut self, bytes: &[u8]) -> (usize, bool) {
        let mut used = 0;
        while used < bytes.len() {
            let rest = &bytes[used..];
            match self {
                Chunked::Data(left) => {
                    let n = (*left).min(rest.len() as u64);
                    *left -= n;
                    used += n as usize;
                    if *left == 0 {
                        *self = Chunked::DataEnd;
                    }
                }
                Chunked::DataEnd => match rest[0] {
                    b'\r' => used += 1,
                    b'\n' => {
                        used += 1;
                        *self = Chunked::Size(Vec::new());
                    }
                    _ => return (0, false),
                },
                Chunked::Size(line) | Chunked::Trailer(line) => {
                    let (taken, complete) = take_line(line, rest);
                    used += taken;
                    if line.len() > MAX_CHUNK_LINE {
                        return (0, false);
                    }
                    if !complete {
                        continue;
                    }
                    match self.next_after_line() {
                        Some(true) => return (used, true),
                        Some(false) => {}
                        None => return (0, false),
                    }
                }
            }
        }
        (used, false)
    }

    /// After a complete line: `Some(true)` when the body ended, `None` when the line is bad.
    fn next_after_line(&mut self) -> Option<bool> {
        match self {
            Chunked::Size(line) => {
                let text = std::str::from_utf8(line).ok()?;
                let size = text.split(';').next()?.trim();
                let size = u64::from_str_radix(size, 16).ok()?;
                *self = if size == 0 {
                    Chunked::Trailer(Vec::new())
                } else {
                    Chunked::Data(size)
                };
                Some(false)
            }
            Chunked::Trailer(line) if line.iter().all(|b| *b == b'\r') => Some(true),
            Chunked::Trailer(line) => {
                line.clear();
                Some(false)
            }
            _ => None,
        }
    }
}

/// Moves bytes up to and including a `\n` into `line` (without the `\n`); returns how many
/// were taken and whether the line is complete.
fn take_line(line: &mut Vec<u8>, bytes: &[u8]) -> (usize, bool) {
    match bytes.iter().position(|b| *b == b'\n') {
        Some(end) => {
            line.extend_from_slice(&bytes[..end]);
            (end + 1, true)
        }
        None => {
            line.extend_from_slice(bytes);
            (bytes.len(), false)
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for ConnIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let start = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[start..];
                if !new.is_empty() {
                    this.observe(new);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => this.poll_deadline(cx),
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> ConnIo<T> {
    /// While hyper waits for a head: past the deadline, answer 408 when part of a head
    /// arrived (an idle connection is just closed), and report end of stream.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.reading_head() || self.state.busy.load(Ordering::Relaxed) > 0 {
            self.deadline = None;
            return Poll::Pending;
        }
        let timeout = self.read_timeout;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let partial = matches!(&self.framing, Framing::Head(head) if !head.is_empty());
        if partial {
            self.state.timed_out.store(true, Ordering::Relaxed);
            // Best effort: a client that reads nothing does not get to hold the connection.
            let _ = Pin::new(&mut self.io).poll_write(cx, REQUEST_TIMEOUT);
            let _ = Pin::new(&mut self.io).poll_flush(cx);
        }
        self.framing = Framing::Lost;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ConnIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(chunks: &[&[u8]]) -> (Vec<Vec<Header>>, bool) {
        let (mut conn, state) = ConnIo::new((), 64 * 1024, 100, Duration::from_secs(1));
        for chunk in chunks {
            conn.observe(chunk);
        }
        let heads = lock(&state.heads).iter().cloned().collect();
        (heads, matches!(conn.framing, Framing::Lost))
    }

    fn names(head: &[Header]) -> Vec<&str> {
        head.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn heads_keep_names_as_sent_across_pipelined_requests() {
        let wire = b"POST /a HTTP/1.1\r\nHost: x\r\nX-Sig: 1\r\ncontent-LENGTH: 3\r\n\r\nabcGET /b HTTP/1.1\r\nX-B: 2\r\n\r\n";
        let (heads, lost) = observed(&[wire]);
        assert!(!lost);
        assert_eq!(names(&heads[0]), ["Host", "X-Sig", "content-LENGTH"]);
        assert_eq!(names(&heads[1]), ["X-B"]);
    }

    #[test]
    fn heads_split_across_reads_and_chunked_bodies_are_followed() {
        let wire: &[u8] = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\nPOST /next HTTP/1.1\r\nX-N: 1\r\n\r\n";
        let pieces: Vec<&[u8]> = wire.chunks(3).collect();
        let (heads, lost) = observed(&pieces);
        assert!(!lost);
        assert_eq!(heads.len(), 2);
        assert_eq!(names(&heads[1]), ["X-N"]);
    }

    #[test]
    fn bad_framing_stops_recording_instead_of_guessing() {
        let (heads, lost) = observed(&[
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET / HTTP/1.1\r\n\r\n",
        ]);
        assert_eq!(heads.len(), 1);
        assert!(lost);
        let (_, lost) = observed(&[b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"]);
        assert!(lost);
    }

    #[test]
    fn an_endless_head_is_dropped_past_the_limit() {
        let mut conn = ConnIo::new((), 1024, 100, Duration::from_secs(1)).0;
        conn.observe(b"GET / HTTP/1.1\r\nX: ");
        conn.observe(&[b'a'; 2048]);
        assert!(matches!(conn.framing, Framing::Lost));
        assert_eq!(
            conn.state.take_head(&http::HeaderMap::new()),
            WireHead::TooLarge
        );
    }

    #[test]
    fn a_complete_head_above_the_limit_in_one_read_is_too_large() {
        let (mut conn, state) = ConnIo::new((), 1024, 100, Duration::from_secs(1));
        let mut wire = b"POST /a HTTP/1.1\r\nX-Small: 1\r\n\r\n".to_vec();
        wire.extend_from_slice(b"POST /b HTTP/1.1\r\nX-Big: ");
        wire.extend_from_slice(&[b'a'; 2048]);
        wire.extend_from_slice(b"\r\n\r\n");
        conn.observe(&wire);
        let mut parsed = http::HeaderMap::new();
        parsed.insert("x-small", "1".parse().unwrap());
        assert_eq!(
            state.take_head(&parsed),
            WireHead::AsSent(vec![("X-Small".into(), "1".into())]),
            "the request before the big one is not refused"
        );
        assert_eq!(state.take_head(&http::HeaderMap::new()), WireHead::TooLarge);
    }

    #[test]
    fn recorded_heads_are_used_only_when_hyper_agrees() {
        let (_, state) = ConnIo::new((), 1024, 100, Duration::from_secs(1));
        lock(&state.heads).push_back(vec![("X-A".into(), "1".into())]);
        let mut parsed = http::HeaderMap::new();
        parsed.insert("x-b", "1".parse().unwrap());
        assert_eq!(state.take_head(&parsed), WireHead::Unknown);
        lock(&state.heads).push_back(vec![("X-A".into(), "1".into())]);
        let mut parsed = http::HeaderMap::new();
        parsed.insert("x-a", "1".parse().unwrap());
        assert_eq!(
            state.take_head(&parsed),
            WireHead::AsSent(vec![("X-A".into(), "1".into())])
        );
        assert_eq!(state.take_head(&parsed), WireHead::Unknown);
    }
}

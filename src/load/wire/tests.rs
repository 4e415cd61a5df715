//! Answers as receivers send them, whole and a byte at a time. The framing rules are
//! RFC 9112 §6 (message body length) and §7.1 (chunked transfer coding).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};

use super::{AnswerReader, WireError};

/// Plays `bytes` back at most `step` bytes per read, then ends like a closed connection.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let end = self.at.saturating_add(self.step).min(self.bytes.len());
        let take = (end - self.at).min(buf.remaining());
        let at = self.at;
        buf.put_slice(&self.bytes[at..at + take]);
        self.at += take;
        Poll::Ready(Ok(()))
    }
}

/// The answers read from `bytes` in one read, as (status, reusable), until the first
/// error; read a byte at a time, the statuses and the error must be the same.
async fn read_all(bytes: &[u8]) -> (Vec<(u16, bool)>, Option<WireError>) {
    let mut results = Vec::new();
    for step in [usize::MAX, 1] {
        let mut io = Trickle {
            bytes: bytes.to_vec(),
            at: 0,
            step,
        };
        let mut reader = AnswerReader::default();
        let mut answers = Vec::new();
        let error = loop {
            match reader.read(&mut io).await {
                Ok(answer) => answers.push((answer.status, answer.reusable)),
                Err(err) => break err,
            }
        };
        results.push((answers, error));
    }
    let (trickled, trickled_error) = results.pop().unwrap();
    let (whole, whole_error) = results.pop().unwrap();
    // Whether a connection is reusable may differ (bytes read ahead), the statuses not.
    let statuses = |answers: &[(u16, bool)]| answers.iter().map(|a| a.0).collect::<Vec<_>>();
    assert_eq!(
        statuses(&whole),
        statuses(&trickled),
        "whole and trickled reads disagree"
    );
    assert_eq!(format!("{whole_error:?}"), format!("{trickled_error:?}"));
    let error = match whole_error {
        WireError::Closed { answered: false } => None,
        other => Some(other),
    };
    (whole, error)
}

#[tokio::test]
async fn answers_framed_by_content_length_follow_each_other_on_one_connection() {
    let (answers, error) = read_all(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 503 Busy\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    // The first answer arrived with the second behind it: out of turn, so not reused (the
    // reader still reads what is there).
    assert_eq!(answers, vec![(200, false), (503, true)]);
    assert!(error.is_none(), "{error:?}");
}

#[tokio::test]
async fn a_chunked_body_with_extensions_and_trailers_is_skipped_to_its_end() {
    let (answers, error) = read_all(
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n\
          4;name=value\r\nWiki\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n",
    )
    .await;
    assert_eq!(answers, vec![(201, true)]);
    assert!(error.is_none(), "{error:?}");
}

#[tokio::test]
async fn interim_answers_are_skipped_and_empty_statuses_have_no_body() {
    let (answers, error) = read_all(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    )
    .await;
    assert_eq!(answers, vec![(204, true)]);
    assert!(error.is_none(), "{error:?}");
}

#[tokio::test]
async fn connection_close_and_http_1_0_end_the_connection() {
    let (answers, _) =
        read_all(b"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n")
            .await;
    assert_eq!(answers, vec![(200, false)]);
    let (answers, _) = read_all(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").await;
    assert_eq!(answers, vec![(200, false)]);
    let (answers, _) =
        read_all(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").await;
    assert_eq!(answers, vec![(200, true)]);
    let (answers, _) =
        read_all(b"HTTP/1.0 200 OK\r\nConnection: close, keep-alive\r\nContent-Length: 0\r\n\r\n")
            .await;
    assert_eq!(answers, vec![(200, false)], "close wins, in either order");
}

#[tokio::test]
async fn a_body_without_framing_lasts_until_the_connection_ends() {
    let (answers, error) = read_all(b"HTTP/1.1 200 OK\r\n\r\neverything until the end").await;
    assert_eq!(answers, vec![(200, false)]);
    assert!(error.is_none(), "{error:?}");
    // A final coding other than chunked is read the same way (RFC 9112 §6.3, item 4).
    let (answers, _) = read_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz").await;
    assert_eq!(answers, vec![(200, false)]);
}

#[tokio::test]
async fn an_answer_cut_short_says_whether_any_of_it_came() {
    let (answers, error) = read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").await;
    assert!(answers.is_empty());
    let error = error.expect("an error");
    assert!(
        matches!(error, WireError::Closed { answered: true }),
        "{error:?}"
    );
    assert!(!error.is_closed_connection());
    // Nothing at all: how a kept-alive connection the receiver dropped looks.
    let nothing = WireError::Closed { answered: false };
    assert!(nothing.is_closed_connection());
    assert!(nothing.to_string().contains("without answering"));
}

#[tokio::test]
async fn what_is_not_an_http_answer_is_malformed_not_a_panic() {
    let cases: [&[u8]; 6] = [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    ];
    for case in cases {
        let (answers, error) = read_all(case).await;
        assert!(answers.is_empty(), "{}", String::from_utf8_lossy(case));
        let error = error.expect("an error");
        assert!(
            matches!(error, WireError::Malformed(_)),
            "{}: {error:?}",
            String::from_utf8_lossy(case)
        );
    }
}

#[tokio::test]
async fn a_head_over_the_limit_is_refused_without_growing_for_ever() {
    let mut answer = b"HTTP/1.1 200 OK\r\n".to_vec();
    let padding = format!("X-Padding: {}\r\n", "a".repeat(1000));
    while answer.len() <= super::MAX_HEAD {
        answer.extend_from_slice(padding.as_bytes());
    }
    answer.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    let mut io = Trickle {
        bytes: answer,
        at: 0,
        step: usize::MAX,
    };
    let mut reader = AnswerReader::default();
    let error = reader.read(&mut io).await.expect_err("too long");
    assert!(error.to_string().contains("over 64 KiB"), "{error}");
    assert!(reader.buf.len() <= super::MAX_HEAD + super::READ_CHUNK);
}

#[tokio::test]
async fn a_long_body_is_skipped_without_keeping_it() {
    let mut answer = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".to_vec();
    answer.resize(answer.len() + 1_000_000, b'x');
    answer.extend_from_slice(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
    let mut io = Trickle {
        bytes: answer,
        at: 0,
        step: 7_000,
    };
    let mut reader = AnswerReader::default();
    assert_eq!(reader.read(&mut io).await.unwrap().status, 200);
    assert_eq!(reader.read(&mut io).await.unwrap().status, 202);
    assert_eq!(
        reader.buf.len(),
        super::READ_CHUNK,
        "the buffer did not grow"
    );
}

#[tokio::test]
async fn a_list_of_one_content_length_is_that_length() {
    let (answers, error) =
        read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nokHTTP/1.1 204 No\r\n\r\n").await;
    assert_eq!(answers.iter().map(|a| a.0).collect::<Vec<_>>(), [200, 204]);
    assert!(error.is_none(), "{error:?}");
    let (_, error) = read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nok").await;
    assert!(matches!(error, Some(WireError::Malformed(_))), "{error:?}");
}

#[tokio::test]
async fn chunks_with_a_length_too_are_read_as_chunks_but_end_the_connection() {
    // RFC 9112 §6.1: Transfer-Encoding overrides Content-Length, and the connection is
    // closed after such a message.
    let (answers, error) = read_all(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(answers, vec![(200, false)]);
    assert!(error.is_none(), "{error:?}");
}

#[tokio::test]
async fn heads_with_bare_line_feeds_are_read_however_they_arrive() {
    let (answers, error) =
        read_all(b"HTTP/1.1 202 Accepted\nContent-Length: 1\n\nxHTTP/1.1 200 OK\n\n").await;
    assert_eq!(answers.iter().map(|a| a.0).collect::<Vec<_>>(), [202, 200]);
    assert!(error.is_none(), "{error:?}");
}

/// Plays `bytes`, then fails as tokio-rustls does when a TLS peer closes without
/// close_notify.
struct CutTls(Trickle);

impl AsyncRead for CutTls {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.0.at == self.0.bytes.len() {
            return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
        }
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

#[tokio::test]
async fn a_tls_peer_closing_without_close_notify_ends_the_connection() {
    let trickle = |bytes: &[u8]| {
        CutTls(Trickle {
            bytes: bytes.to_vec(),
            at: 0,
            step: usize::MAX,
        })
    };
    // An answer framed by the close is complete.
    let mut reader = AnswerReader::default();
    let answer = reader
        .read(&mut trickle(b"HTTP/1.1 200 OK\r\n\r\nbody"))
        .await;
    assert_eq!(answer.unwrap().status, 200);
    // Nothing at all: a closed connection, not a failure of the network.
    let mut reader = AnswerReader::default();
    let error = reader.read(&mut trickle(b"")).await.unwrap_err();
    assert!(
        error.is_closed_connection() && !reader.answer_started(),
        "{error:?}"
    );
    // Part of an answer, then the end: the answer had started, so it is not sent again.
    let mut reader = AnswerReader::default();
    let error = reader
        .read(&mut trickle(b"HTTP/1.1 200 OK\r\nContent-Le"))
        .await
        .unwrap_err();
    assert!(reader.answer_started(), "{error:?}");
}

/// Looking at a connection without waiting: open while the peer is quiet, not once it has
/// closed or sent something unasked, and the look itself never blocks.
#[tokio::test]
async fn a_quiet_look_tells_a_closed_or_chatty_connection_from_an_open_one() {
    use tokio::io::AsyncWriteExt;
    use tokio::net::{TcpListener, TcpStream};

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let mut streams = Vec::new();
    for _ in 0..3 {
        let client = TcpStream::connect(address).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        streams.push((super::Stream::Plain(client), server));
    }
    let (mut quiet, _kept) = streams.remove(0);
    let (mut closed, gone) = streams.remove(0);
    let (mut chatty, mut talker) = streams.remove(0);
    drop(gone);
    talker.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
    // The close and the bytes have to cross loopback first.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(quiet.is_open());
    assert!(!closed.is_open());
    assert!(!chatty.is_open());
}

/// Thousands of answers stitched from valid and broken pieces, read whole and a few bytes
/// at a time: every read ends (an answer or an error), none panics, and the buffer stays
/// within its bound.
#[tokio::test]
async fn stitched_answers_never_panic_or_overgrow() {
    const PIECES: &[&[u8]] = &[
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.0 204 No Content\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"Content-Length: 3\r\n",
        b"Content-Length: 18446744073709551616\r\n",
        b"Transfer-Encoding: chunked\r\n",
        b"Connection: close\r\n",
        b"\r\n",
        b"\n",
        b"abc",
        b"3\r\nabc\r\n",
        b"ffffffffffffffffff\r\n",
        b"0\r\n\r\n",
        b"0;x=y\r\nT: 1\r\n\r\n",
        b"\0\xff\x80",
        b"HTTP/1.1 999 Whatever\r\n",
    ];
    let mut rng = fastrand::Rng::with_seed(0x5EED);
    for _ in 0..3_000 {
        let mut bytes = Vec::new();
        for _ in 0..rng.usize(1..12) {
            bytes.extend_from_slice(PIECES[rng.usize(..PIECES.len())]);
        }
        let mut io = Trickle {
            bytes,
            at: 0,
            step: rng.usize(1..40),
        };
        let mut reader = AnswerReader::default();
        // Each read consumes input or fails, so a few more reads than bytes always end it.
        for _ in 0..=io.bytes.len() {
            if reader.read(&mut io).await.is_err() {
                break;
            }
        }
        assert!(reader.buf.len() <= super::MAX_HEAD + super::READ_CHUNK);
    }
}

/// Closing a TLS connection at the end of a run tells the receiver with close_notify;
/// dropping it would leave the receiver a cut-off stream (which is what it sees for the
/// second connection here).
#[tokio::test]
async fn closing_a_tls_connection_says_so_to_the_receiver() {
    use std::sync::Arc;
    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpStream};

    let identity = crate::tls::Identity::generate().unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(identity.server_config().unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut endings = Vec::new();
        for _ in 0..2 {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            let mut received = Vec::new();
            endings.push(tls.read_to_end(&mut received).await.map_err(|e| e.kind()));
        }
        endings
    });
    let connector =
        tokio_rustls::TlsConnector::from(Arc::new(crate::tls::client_config(&[], true).unwrap()));
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    for polite in [true, false] {
        let tcp = TcpStream::connect(address).await.unwrap();
        let tls = connector.connect(name.clone(), tcp).await.unwrap();
        let mut stream = super::Stream::Tls(Box::new(tls));
        stream.send(b"hello").await.unwrap();
        if polite {
            stream.close().await;
        } else {
            drop(stream);
        }
    }
    let endings = server.await.unwrap();
    assert_eq!(endings[0], Ok(5), "closed with close_notify: {endings:?}");
    assert_eq!(endings[1], Err(io::ErrorKind::UnexpectedEof), "{endings:?}");
}

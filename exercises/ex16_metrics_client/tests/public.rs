//! Public tests of ex16_metrics_client: run them with `checker check ex16`,
//! or `cargo test -p ex16_metrics_client` in `exercises/`.
//!
//! Each test starts a tiny fake metrics server on a thread of its own: it accepts one
//! connection, answers each request line with the next scripted reply, and hands back every
//! byte it received. The hidden checks do the same with more replies (malformed ones among
//! them), and also count your connections and time your timeout.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use ex16_metrics_client::{Client, ClientError};

/// The timeout every client of these tests uses.
const TIMEOUT: Duration = Duration::from_secs(2);

/// A fake server for one connection: answers the i-th request line with `replies[i]`, written
/// in `pieces` parts 20 ms apart. Joining the handle gives every byte it received.
fn fake_server(replies: Vec<&'static [u8]>, pieces: usize) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accepting the client");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        let mut received = Vec::new();
        for reply in replies {
            // Wait for the next request line.
            let lines = received.iter().filter(|&&b| b == b'\n').count();
            while received.iter().filter(|&&b| b == b'\n').count() == lines {
                if !read_some(&mut stream, &mut received) {
                    return received;
                }
            }
            let size = reply.len().div_ceil(pieces.max(1)).max(1);
            for (i, piece) in reply.chunks(size).enumerate() {
                if i > 0 {
                    thread::sleep(Duration::from_millis(20));
                }
                stream.write_all(piece).unwrap();
            }
        }
        while read_some(&mut stream, &mut received) {}
        received
    });
    (port, handle)
}

/// One read into `received`; false at the end of the stream or on an error.
fn read_some(stream: &mut TcpStream, received: &mut Vec<u8>) -> bool {
    let mut buf = [0u8; 1024];
    match stream.read(&mut buf) {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            received.extend_from_slice(&buf[..n]);
            true
        }
    }
}

fn connect(port: u16) -> Client {
    match Client::new("127.0.0.1", port, TIMEOUT) {
        Ok(client) => client,
        Err(e) => panic!("Client::new failed: {e:?}"),
    }
}

#[test]
fn put_sends_one_line() {
    let (port, server) = fake_server(vec![b"ok\n\n", b"ok\n\n"], 1);
    {
        let mut client = connect(port);
        client
            .put("cpu.load", 1.5, Some(1501864247))
            .expect("put answered with ok");
        client
            .put("k", 0.25, Some(2))
            .expect("a second put on the same connection");
    } // The client is dropped here: its connection closes.
    let received = server.join().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&received),
        "put cpu.load 1.5 1501864247\nput k 0.25 2\n",
        "the exact bytes the client sent"
    );
}

#[test]
fn get_returns_measurements_sorted_by_timestamp() {
    let (port, server) = fake_server(
        vec![b"ok\nk1 0.35 3\nk2 30 4\nk1 0.25 1\nk1 2.156 2\n\n"],
        1,
    );
    {
        let mut client = connect(port);
        let metrics = client.get("*").expect("a well-formed reply");
        assert_eq!(metrics.len(), 2, "two keys: {metrics:?}");
        assert_eq!(metrics["k1"], vec![(1, 0.25), (2, 2.156), (3, 0.35)]);
        assert_eq!(metrics["k2"], vec![(4, 30.0)]);
    } // The client is dropped here: its connection closes.
    assert_eq!(server.join().unwrap(), b"get *\n");
}

#[test]
fn get_of_an_unknown_key_is_empty() {
    let (port, _server) = fake_server(vec![b"ok\n\n"], 1);
    let mut client = connect(port);
    let metrics = client.get("k3").expect("ok\\n\\n is a valid reply");
    assert!(
        metrics.is_empty(),
        "nothing stored under k3, got {metrics:?}"
    );
}

#[test]
fn a_reply_in_pieces_is_read_whole() {
    let (port, _server) = fake_server(vec![b"ok\n\n", b"ok\nk 10 1\nk 20.5 2\n\n"], 4);
    let mut client = connect(port);
    client
        .put("k", 20.5, Some(2))
        .expect("`ok\\n\\n` sent in pieces");
    let metrics = client.get("k").expect("a reply sent in 4 pieces");
    assert_eq!(metrics["k"], vec![(1, 10.0), (2, 20.5)]);
}

#[test]
fn an_error_reply_is_a_client_error() {
    let (port, _server) = fake_server(vec![b"error\nwrong command\n\n"], 1);
    let mut client = connect(port);
    match client.get("k") {
        Err(ClientError::Server(message)) => assert_eq!(message, "wrong command"),
        other => panic!("expected Err(ClientError::Server(\"wrong command\")), got {other:?}"),
    }
}

#[test]
fn a_malformed_reply_is_a_client_error() {
    let (port, _server) = fake_server(vec![b"ok\nblablabla\n\n"], 1);
    let mut client = connect(port);
    let result = client.get("k");
    assert!(
        result.is_err(),
        "`ok\\nblablabla\\n\\n` is not a valid reply, got {result:?}"
    );
}

#[test]
fn a_silent_server_gives_a_timeout_error() {
    // Accepts, reads, never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _silent = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
    });
    let mut client =
        Client::new("127.0.0.1", port, Duration::from_millis(300)).expect("connecting");
    let start = Instant::now();
    let result = client.get("k");
    let took = start.elapsed();
    assert!(
        matches!(result, Err(ClientError::Io(_))),
        "expected Err(ClientError::Io(..)), got {result:?}"
    );
    assert!(
        took < Duration::from_secs(2),
        "get gave up after {took:?}, the timeout is 300 ms"
    );
}

#[test]
fn nobody_listening_is_an_error_from_new() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The listener is closed again: connecting to that port is refused.
    let result = Client::new("127.0.0.1", port, TIMEOUT);
    assert!(
        matches!(result, Err(ClientError::Io(_))),
        "expected Err(ClientError::Io(..)), got {:?}",
        result.err()
    );
}

#[test]
fn client_error_describes_itself_and_keeps_its_cause() {
    use std::error::Error;
    let io = ClientError::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "no reply",
    ));
    assert!(
        io.source().is_some(),
        "an Io error's source() is the io::Error inside it"
    );
    assert!(!io.to_string().is_empty());
    let server = ClientError::Server("wrong command".to_owned());
    assert!(server.source().is_none());
    assert!(
        server.to_string().contains("wrong command"),
        "Display shows the message: {server}"
    );
}

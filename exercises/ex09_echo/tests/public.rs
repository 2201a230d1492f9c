//! Public tests of ex09_echo: run them with `checker check ex09`,
//! or `cargo test -p ex09_echo` in `exercises/`.
//!
//! Each test starts the program as `ex09_echo server --port N` on a free port and talks to it,
//! or runs `ex09_echo client ...` against a small server written here. The hidden checks also
//! split writes into single bytes, half-close, and record the exact bytes your client sends.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ex09_echo");
/// No test waits longer than this for anything.
const WAIT: Duration = Duration::from_secs(4);

/// A free port: bind port 0, read the port the system chose, close.
fn free_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("binding a free port");
    listener.local_addr().unwrap().port()
}

/// The server under test; killed when the test ends, even when it fails.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let port = free_port();
        let child = Command::new(BIN)
            .args(["server", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .spawn()
            .expect("starting the server");
        Server { child, port }
    }

    /// Connects, retrying while the server starts; fails if it exits or never listens.
    fn connect(&mut self) -> TcpStream {
        let start = Instant::now();
        loop {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                stream.set_read_timeout(Some(WAIT)).unwrap();
                stream.set_write_timeout(Some(WAIT)).unwrap();
                return stream;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({status}) instead of listening on 127.0.0.1:{}",
                    self.port
                );
            }
            assert!(
                start.elapsed() < WAIT,
                "the server does not accept connections on 127.0.0.1:{}",
                self.port
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Sends `message`, shuts down the sending side, and reads until the server closes.
fn exchange(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream.write_all(message).expect("sending");
    stream
        .shutdown(Shutdown::Write)
        .expect("shutting down the sending side");
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .expect("reading the echo until the server closes (did it close after the echo?)");
    reply
}

/// Accepts one connection, failing the test if none comes within `wait`.
fn accept_within(listener: &TcpListener, wait: Duration) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return stream;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(start.elapsed() < wait, "the client never connected");
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("accept failed: {e}"),
        }
    }
}

#[test]
fn echoes_a_message() {
    let mut server = Server::start();
    let mut stream = server.connect();
    assert_eq!(
        String::from_utf8_lossy(&exchange(&mut stream, b"hello, echo\n")),
        "hello, echo\n"
    );
}

#[test]
fn echoes_every_byte_value() {
    // Bytes that are not text (0, 255, invalid UTF-8) must come back unchanged too.
    let message: Vec<u8> = (0..=255u8).collect();
    let mut server = Server::start();
    let mut stream = server.connect();
    assert_eq!(exchange(&mut stream, &message), message);
}

#[test]
fn echoes_before_the_client_closes() {
    // An echo server answers as the bytes arrive, not only at the end of the stream.
    let mut server = Server::start();
    let mut stream = server.connect();
    stream.write_all(b"ping\n").unwrap();
    let mut echo = [0u8; 5];
    stream
        .read_exact(&mut echo)
        .expect("the echo of \"ping\\n\" did not come back while the connection was open");
    assert_eq!(&echo, b"ping\n");
}

#[test]
fn serves_clients_one_after_another() {
    let mut server = Server::start();
    for i in 0..3 {
        let mut stream = server.connect();
        let message = format!("client number {i}");
        assert_eq!(
            exchange(&mut stream, message.as_bytes()),
            message.as_bytes()
        );
    }
}

#[test]
fn client_sends_its_message_and_prints_the_reply() {
    // This test plays the server: it reads what the client sends until the client shuts down
    // its sending side, then answers something else than an echo.
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let fake = thread::spawn(move || {
        let mut stream = accept_within(&listener, WAIT);
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut received = Vec::new();
        let read = stream.read_to_end(&mut received);
        stream.write_all(b"a reply from the test").unwrap();
        (received, read.is_ok())
    });
    let out = Command::new(BIN)
        .args(["client", "--port", &port.to_string(), "hello there"])
        .stdin(Stdio::null())
        .output()
        .expect("running the client");
    let (received, half_closed) = fake.join().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&received),
        "hello there",
        "the client must send exactly its message"
    );
    assert!(
        half_closed,
        "the client did not shut down its sending side after the message"
    );
    assert!(out.status.success(), "the client failed: {out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a reply from the test"
    );
}

#[test]
fn client_against_the_server() {
    let mut server = Server::start();
    drop(server.connect()); // wait until it listens
    let out = Command::new(BIN)
        .args(["client", "--port", &server.port.to_string(), "round trip"])
        .stdin(Stdio::null())
        .output()
        .expect("running the client");
    assert!(out.status.success(), "the client failed: {out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "round trip");
}

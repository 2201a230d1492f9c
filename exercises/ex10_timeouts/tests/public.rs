//! Public tests of ex10_timeouts: run them with `checker check ex10`,
//! or `cargo test -p ex10_timeouts` in `exercises/`.
//!
//! The client tests play the server here (a port where nobody listens, a listener that never
//! answers, one that resets the connection); the server tests start
//! `ex10_timeouts server --port N --idle-timeout-ms T` on a free port. The hidden checks also
//! measure, from outside, how long your client waits and when your server drops an idle client.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ex10_timeouts");
/// No test waits longer than this for anything.
const WAIT: Duration = Duration::from_secs(4);

/// A free port: bind port 0, read the port the system chose, close.
fn free_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("binding a free port");
    listener.local_addr().unwrap().port()
}

/// Runs the client and returns its output and how long it ran.
fn client(port: u16, timeout_ms: u64, message: &str) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(BIN)
        .args([
            "client",
            "--port",
            &port.to_string(),
            "--timeout-ms",
            &timeout_ms.to_string(),
            message,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("running the client");
    (out, start.elapsed())
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn refused_is_reported_as_refused() {
    let port = free_port(); // nobody listens there any more
    let (out, took) = client(port, 2000, "anyone?");
    assert_eq!(stdout(&out), "error: refused\n");
    assert!(!out.status.success(), "an error must exit non-zero");
    assert!(
        took < Duration::from_millis(1500),
        "a refused connection fails at once; the client took {took:?}"
    );
}

#[test]
fn silent_server_is_a_timeout() {
    // A listener that never accepts: the system completes the connection, nobody answers.
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (out, took) = client(port, 300, "hello?");
    drop(listener);
    assert_eq!(stdout(&out), "error: timed out\n");
    assert!(!out.status.success(), "an error must exit non-zero");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "with --timeout-ms 300 the client gave up after {took:?}"
    );
}

#[test]
fn reset_is_reported_as_reset() {
    // This server reads one byte of the message and closes with the rest unread: the system
    // then resets the connection instead of closing it normally.
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let start = Instant::now();
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if start.elapsed() < WAIT => thread::sleep(Duration::from_millis(10)),
                Err(e) => panic!("the client never connected: {e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut one = [0u8; 1];
        let _ = stream.read(&mut one);
        thread::sleep(Duration::from_millis(100)); // let the rest of the message arrive
        drop(stream);
    });
    let (out, _) = client(port, 3000, "reset me, please");
    server.join().unwrap();
    assert_eq!(stdout(&out), "error: reset\n");
    assert!(!out.status.success(), "an error must exit non-zero");
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
    fn start(idle_timeout_ms: u64) -> Server {
        let port = free_port();
        let child = Command::new(BIN)
            .args([
                "server",
                "--port",
                &port.to_string(),
                "--idle-timeout-ms",
                &idle_timeout_ms.to_string(),
            ])
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
                "the server does not accept connections"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn client_gets_the_echo() {
    let mut server = Server::start(2000);
    drop(server.connect()); // wait until it listens
    let (out, _) = client(server.port, 2000, "ping");
    assert_eq!(stdout(&out), "reply: ping\n");
    assert!(out.status.success(), "the client failed: {out:?}");
}

#[test]
fn server_closes_an_idle_connection() {
    let mut server = Server::start(300);
    let mut stream = server.connect();
    stream.write_all(b"hi").unwrap();
    let mut echo = [0u8; 2];
    stream.read_exact(&mut echo).expect("the echo of \"hi\"");
    // Now stay silent: the server must close the connection after about 300 ms.
    let start = Instant::now();
    let mut rest = Vec::new();
    let result = stream.read_to_end(&mut rest);
    let took = start.elapsed();
    assert!(
        result.is_ok(),
        "the idle connection was not closed within {WAIT:?}: {result:?}"
    );
    assert!(
        took >= Duration::from_millis(200),
        "the server closed the connection after only {took:?} of silence (idle timeout: 300 ms)"
    );
}

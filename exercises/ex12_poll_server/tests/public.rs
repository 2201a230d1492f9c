//! Public tests of ex12_poll_server: run them with `checker check ex12`,
//! or `cargo test -p ex12_poll_server` in `exercises/`.
//!
//! Most tests call [`serve`] on a listener bound to a free port, on a thread of the test, and
//! talk to it as clients; the last one runs the program itself with `--port N` and counts its
//! threads in `/proc/PID/task`. The hidden checks go further: 100 clients at once, a client
//! that sends megabytes before reading, a client that sends one byte at a time.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ex12_poll_server::{serve, take_lines};

/// How long a client waits for a reply before the test fails.
const REPLY_WITHIN: Duration = Duration::from_secs(2);

/// Starts `serve` on a free loopback port, on a thread of this test, and returns its address.
fn start_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || serve(listener));
    addr
}

/// A connected client whose reads give up after REPLY_WITHIN.
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connecting to the server");
    stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
    stream
}

/// Reads one line (up to `\n`) from `stream`, one byte at a time so that nothing after the
/// line is taken from the socket; fails the test with what was received.
fn read_line(mut stream: &TcpStream, what: &str) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        match stream.read(&mut byte) {
            Ok(0) => panic!(
                "{what}: the server closed the connection after sending {:?}",
                String::from_utf8_lossy(&line)
            ),
            Ok(_) => line.push(byte[0]),
            Err(e) => panic!(
                "{what}: no complete line within {REPLY_WITHIN:?} ({e}); received so far: {:?}",
                String::from_utf8_lossy(&line)
            ),
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}

#[test]
fn take_lines_keeps_the_unfinished_line() {
    let mut incoming = b"ab\ncd\nef".to_vec();
    assert_eq!(take_lines(&mut incoming), b"ab\ncd\n");
    assert_eq!(incoming, b"ef", "the unfinished line stays in the buffer");
    assert_eq!(
        take_lines(&mut incoming),
        b"",
        "no complete line: nothing to take"
    );
    assert_eq!(incoming, b"ef");
    incoming.extend_from_slice(b"gh\n");
    assert_eq!(take_lines(&mut incoming), b"efgh\n");
    assert!(incoming.is_empty());
}

#[test]
fn echoes_the_lines_of_two_clients_in_turn() {
    let addr = start_server();
    let mut first = connect(addr);
    let mut second = connect(addr);
    for round in 0..3 {
        second
            .write_all(format!("second {round}\n").as_bytes())
            .unwrap();
        first
            .write_all(format!("first {round}\nand more\n").as_bytes())
            .unwrap();
        assert_eq!(
            read_line(&first, "first client"),
            format!("first {round}\n")
        );
        assert_eq!(read_line(&first, "first client"), "and more\n");
        assert_eq!(
            read_line(&second, "second client"),
            format!("second {round}\n")
        );
    }
}

#[test]
fn a_client_in_the_middle_of_a_line_does_not_block_another() {
    let addr = start_server();
    let mut slow = connect(addr);
    // Half a line: a server that waits for the rest of it (a blocking read_line) is stuck.
    slow.write_all(b"slo").unwrap();
    thread::sleep(Duration::from_millis(100));
    let mut fast = connect(addr);
    fast.write_all(b"fast\n").unwrap();
    assert_eq!(
        read_line(
            &fast,
            "a second client while the first is in the middle of a line"
        ),
        "fast\n",
        "the server must read only what has arrived and go back to poll"
    );
    slow.write_all(b"w\n").unwrap();
    assert_eq!(
        read_line(&slow, "the first client, after finishing its line"),
        "slow\n"
    );
}

#[test]
fn the_last_unfinished_line_comes_back_when_the_client_closes() {
    let addr = start_server();
    let mut client = connect(addr);
    client.write_all(b"one\nno newline").unwrap();
    // Half-close: "I will send nothing more". The server sees end of file, sends the rest
    // back and closes the connection.
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut all = Vec::new();
    client
        .read_to_end(&mut all)
        .expect("the server did not close the connection within 2 s of the client closing");
    assert_eq!(String::from_utf8_lossy(&all), "one\nno newline");
}

/// Kills the program when the test ends, even when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The number of threads of process `pid` (the entries of /proc/PID/task).
fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

#[test]
fn the_program_serves_ten_clients_on_one_thread() {
    // A port that is free right now: bind port 0, read the number the system chose, let go.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_ex12_poll_server"))
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .spawn()
            .expect("starting the program"),
    );
    let start = Instant::now();
    let mut clients = vec![loop {
        if let Ok(client) = TcpStream::connect(("127.0.0.1", port)) {
            break client;
        }
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("`ex12_poll_server --port {port}` exited ({status}) instead of serving");
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "nothing listens on 127.0.0.1:{port} 5 s after `ex12_poll_server --port {port}` started"
        );
        thread::sleep(Duration::from_millis(20));
    }];
    while clients.len() < 10 {
        clients.push(TcpStream::connect(("127.0.0.1", port)).expect("connecting"));
    }
    for (i, client) in clients.iter_mut().enumerate() {
        client.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
        client.write_all(format!("ping {i}\n").as_bytes()).unwrap();
    }
    for (i, client) in clients.iter().enumerate() {
        assert_eq!(
            read_line(client, &format!("client {i}")),
            format!("ping {i}\n")
        );
    }
    let threads = threads_of(server.0.id());
    assert_eq!(
        threads, 1,
        "the server had {threads} threads with 10 clients connected: a poll server runs on one thread"
    );
}

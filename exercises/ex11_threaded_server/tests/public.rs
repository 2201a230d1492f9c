//! Public tests of ex11_threaded_server: run them with `checker check ex11`,
//! or `cargo test -p ex11_threaded_server` in `exercises/`.
//!
//! Most tests call [`serve`] on a listener bound to a free port, on a thread of the test, and
//! talk to it as clients; the last one runs the program itself with `--port N`. The hidden
//! checks also watch the server's threads and descriptors from outside (`/proc/PID/task` and
//! `/proc/PID/fd`) while clients come and go; these tests only look at the bytes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ex11_threaded_server::serve;

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
fn echoes_each_line_back() {
    let addr = start_server();
    let mut client = connect(addr);
    client.write_all(b"hello\n").unwrap();
    assert_eq!(read_line(&client, "first line"), "hello\n");
    client.write_all(b"second line\nthird\n").unwrap();
    assert_eq!(read_line(&client, "second line"), "second line\n");
    assert_eq!(read_line(&client, "third line"), "third\n");
}

#[test]
fn a_line_sent_in_pieces_comes_back_whole() {
    let addr = start_server();
    let mut client = connect(addr);
    for piece in [&b"pie"[..], b"ces of ", b"a line\nand ", b"more\n"] {
        client.write_all(piece).unwrap();
        thread::sleep(Duration::from_millis(30));
    }
    assert_eq!(read_line(&client, "the split line"), "pieces of a line\n");
    assert_eq!(read_line(&client, "the next line"), "and more\n");
}

#[test]
fn the_last_unfinished_line_comes_back_when_the_client_closes() {
    let addr = start_server();
    let mut client = connect(addr);
    client.write_all(b"one\nno newline").unwrap();
    // Half-close: "I will send nothing more". The server sees end of file, sends the rest
    // back and closes its side.
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut all = Vec::new();
    client
        .read_to_end(&mut all)
        .expect("the server did not close the connection within 2 s of the client closing");
    assert_eq!(String::from_utf8_lossy(&all), "one\nno newline");
}

#[test]
fn a_silent_client_does_not_block_another() {
    let addr = start_server();
    // This client connects and says nothing: a server that serves one client at a time is
    // now stuck reading from it.
    let _silent = connect(addr);
    thread::sleep(Duration::from_millis(100));
    let mut talker = connect(addr);
    talker.write_all(b"is anybody there?\n").unwrap();
    assert_eq!(
        read_line(
            &talker,
            "a second client while a silent client is connected"
        ),
        "is anybody there?\n",
        "each client needs a thread of its own"
    );
}

#[test]
fn ten_clients_connected_at_once_are_all_served() {
    let addr = start_server();
    let mut clients: Vec<TcpStream> = (0..10).map(|_| connect(addr)).collect();
    // Everybody is connected before anybody speaks; then they speak in reverse order.
    for (i, client) in clients.iter_mut().enumerate().rev() {
        client
            .write_all(format!("client {i}\n").as_bytes())
            .unwrap();
    }
    for (i, client) in clients.iter().enumerate() {
        assert_eq!(
            read_line(client, &format!("client {i}")),
            format!("client {i}\n")
        );
    }
}

/// Kills the program when the test ends, even when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_program_listens_on_the_port_it_is_given() {
    // A port that is free right now: bind port 0, read the number the system chose, let go.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_ex11_threaded_server"))
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .spawn()
            .expect("starting the program"),
    );
    let start = Instant::now();
    let mut client = loop {
        if let Ok(client) = TcpStream::connect(("127.0.0.1", port)) {
            break client;
        }
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("`ex11_threaded_server --port {port}` exited ({status}) instead of serving");
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "nothing listens on 127.0.0.1:{port} 5 s after `ex11_threaded_server --port {port}` started"
        );
        thread::sleep(Duration::from_millis(20));
    };
    client.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
    client.write_all(b"ping\n").unwrap();
    assert_eq!(read_line(&client, "the program"), "ping\n");
}

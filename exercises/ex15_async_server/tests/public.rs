//! Public tests of ex15_async_server: run them with `checker check ex15`,
//! or `cargo test -p ex15_async_server` in `exercises/`.
//!
//! Most tests run [`serve`] on a tokio runtime of their own, on a thread of the test, with a
//! shutdown future the test completes, and talk to it as clients do with ordinary blocking
//! sockets; the last one runs the program itself with `--port N` and stops it with SIGTERM. The
//! hidden checks also hold thousands of connections at once and count the server's threads.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ex15_async_server::serve;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How long a client waits for a reply before the test fails.
const REPLY_WITHIN: Duration = Duration::from_secs(2);

/// `serve` running on a thread of the test; dropping this completes its shutdown future.
struct Running {
    port: u16,
    stop: Option<oneshot::Sender<()>>,
    done: mpsc::Receiver<std::io::Result<()>>,
}

fn start_server() -> Running {
    let (stop, stopped) = oneshot::channel::<()>();
    let (port_tx, port_rx) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let result = runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            port_tx.send(listener.local_addr()?.port()).unwrap();
            // The shutdown future: done when the test sends on (or drops) `stop`.
            serve(listener, async {
                let _ = stopped.await;
            })
            .await
        });
        let _ = done_tx.send(result);
    });
    let port = port_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the server's listener");
    Running {
        port,
        stop: Some(stop),
        done,
    }
}

impl Running {
    fn connect(&self) -> TcpStream {
        let stream =
            TcpStream::connect(("127.0.0.1", self.port)).expect("connecting to the server");
        stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
        stream
    }

    /// Completes the shutdown future and returns what `serve` returned, and how long it took.
    fn shut_down(mut self) -> (std::io::Result<()>, Duration) {
        let start = Instant::now();
        let _ = self.stop.take().unwrap().send(());
        let result = self
            .done
            .recv_timeout(Duration::from_secs(3))
            .expect("serve had not returned 3 s after its shutdown future completed");
        (result, start.elapsed())
    }
}

/// Reads one line (up to `\n`) one byte at a time, failing the test with what was received.
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
    let server = start_server();
    let mut client = server.connect();
    client.write_all(b"hello\n").unwrap();
    assert_eq!(read_line(&client, "first line"), "hello\n");
    client.write_all(b"two\nlin").unwrap();
    thread::sleep(Duration::from_millis(30));
    client.write_all(b"es\n").unwrap();
    assert_eq!(read_line(&client, "second line"), "two\n");
    assert_eq!(read_line(&client, "a line sent in two pieces"), "lines\n");
}

#[test]
fn the_unfinished_last_line_comes_back_when_the_client_closes() {
    let server = start_server();
    let mut client = server.connect();
    client.write_all(b"one\nno newline").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut all = Vec::new();
    client
        .read_to_end(&mut all)
        .expect("the server did not close the connection within 2 s of the client closing");
    assert_eq!(String::from_utf8_lossy(&all), "one\nno newline");
}

#[test]
fn a_second_client_is_served_while_the_first_stays_connected() {
    let server = start_server();
    let mut first = server.connect();
    first.write_all(b"first\n").unwrap();
    assert_eq!(read_line(&first, "the first client"), "first\n");
    let mut second = server.connect();
    second.write_all(b"second\n").unwrap();
    assert_eq!(
        read_line(&second, "a second client while the first is connected"),
        "second\n",
        "each connection needs a task of its own (tokio::spawn)"
    );
}

#[test]
fn serve_returns_soon_after_shutdown_even_with_idle_clients() {
    let server = start_server();
    let port = server.port;
    let mut talker = server.connect();
    talker.write_all(b"hi\n").unwrap();
    assert_eq!(read_line(&talker, "a client"), "hi\n");
    let idle = server.connect(); // Connected, never says anything.
    let (result, took) = server.shut_down();
    assert!(
        result.is_ok(),
        "serve returned {result:?} after a requested shutdown: that is a success, Ok(())"
    );
    assert!(
        took < Duration::from_secs(1),
        "serve took {took:?} to return after the shutdown future completed"
    );
    // The listener is closed: the port can be bound again.
    std::net::TcpListener::bind(("127.0.0.1", port))
        .expect("the port is still taken after serve returned");
    // The connections were closed too.
    let mut buf = [0u8; 16];
    for (mut client, who) in [
        (talker, "the client that talked"),
        (idle, "the idle client"),
    ] {
        match client.read(&mut buf) {
            Ok(0) | Err(_) => {}
            Ok(n) => panic!(
                "{who} received {:?} after the shutdown",
                String::from_utf8_lossy(&buf[..n])
            ),
        }
    }
}

/// Kills the program when the test ends, even when it fails.
struct Program(Child);

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_program_serves_its_port_and_exits_0_on_sigterm() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut program = Program(
        Command::new(env!("CARGO_BIN_EXE_ex15_async_server"))
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
        if let Some(status) = program.0.try_wait().unwrap() {
            panic!("`ex15_async_server --port {port}` exited ({status}) instead of serving");
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "nothing listens on 127.0.0.1:{port} 5 s after the start"
        );
        thread::sleep(Duration::from_millis(20));
    };
    client.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
    client.write_all(b"ping\n").unwrap();
    assert_eq!(read_line(&client, "the program"), "ping\n");

    // `kill PID` sends SIGTERM (the shell's built-in kill, so no extra crate is needed).
    let pid = program.0.id().to_string();
    let sent = Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .expect("running sh");
    assert!(sent.success(), "could not send SIGTERM to {pid}");
    let signalled = Instant::now();
    let status = loop {
        if let Some(status) = program.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(2),
            "the program was still running 2 s after SIGTERM, with a client connected"
        );
        thread::sleep(Duration::from_millis(10));
    };
    assert!(
        status.success(),
        "after SIGTERM the program ended with {status}, not with exit status 0"
    );
}

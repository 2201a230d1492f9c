//! Public tests of ex17_metrics_server: run them with `checker check ex17`,
//! or `cargo test -p ex17_metrics_server` in `exercises/`.
//!
//! The first tests call `parse_request`, `Store` and `reply` directly; the next ones run
//! `serve` on a tokio runtime of their own and talk to it over TCP, as clients do; the last one
//! runs the program itself with `--port N`. The hidden checks go further: every malformed
//! request, two clients interleaving, 1,000 clients coming and going (the server's open
//! descriptors are counted), 100 clients at once.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ex17_metrics_server::{parse_request, reply, serve, Request, Store, ERROR_REPLY};

/// How long a client waits for a reply before the test fails.
const REPLY_WITHIN: Duration = Duration::from_secs(2);

#[test]
fn parse_request_reads_valid_requests() {
    assert_eq!(
        parse_request(b"put cpu.load 0.5 1501864247"),
        Some(Request::Put {
            key: "cpu.load".to_owned(),
            value: 0.5,
            timestamp: 1501864247
        })
    );
    assert_eq!(
        parse_request(b"put k 10 -3"),
        Some(Request::Put {
            key: "k".to_owned(),
            value: 10.0,
            timestamp: -3
        })
    );
    assert_eq!(
        parse_request(b"get cpu.load"),
        Some(Request::Get {
            key: "cpu.load".to_owned()
        })
    );
    assert_eq!(
        parse_request(b"get *"),
        Some(Request::Get {
            key: "*".to_owned()
        })
    );
}

#[test]
fn parse_request_rejects_malformed_requests() {
    for line in [
        &b""[..],
        b"got k",
        b"put k 1.5",
        b"put k 1.5 1 2",
        b"get",
        b"get a b",
        b"put k abc 1",
        b"put k 1.5 1.5",
        b"put k  1.5 1",
        b"get \xff",
    ] {
        assert_eq!(
            parse_request(line),
            None,
            "{:?} is not a valid request",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn the_store_overwrites_and_sorts() {
    let store = Store::default();
    let same_store = store.clone();
    store.put("k", 3.0, 30);
    store.put("k", 1.0, 10);
    same_store.put("k", 2.0, 30); // the same timestamp again: overwrites
    store.put("other", 5.0, 1);
    assert_eq!(
        store.get("k"),
        vec![("k".to_owned(), 1.0, 10), ("k".to_owned(), 2.0, 30)]
    );
    assert_eq!(store.get("missing"), vec![]);
    let mut all = store.get("*");
    all.sort_by(|a, b| a.0.cmp(&b.0)); // the order of keys is free
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[0], ("k".to_owned(), 1.0, 10));
}

#[test]
fn reply_follows_the_protocol() {
    let store = Store::default();
    assert_eq!(
        reply(b"get k", &store),
        b"ok\n\n",
        "a get of an unknown key"
    );
    assert_eq!(reply(b"put k 1.5 1", &store), b"ok\n\n");
    assert_reply(
        reply(b"get k", &store),
        "ok\nk 1.5 1\n\n",
        "get after a put",
    );
    assert_eq!(reply(b"hello", &store), ERROR_REPLY);
}

/// Starts `serve` on a free loopback port, on a runtime of its own on a thread of this test.
fn start_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            serve(tokio::net::TcpListener::from_std(listener).unwrap()).await
        });
    });
    addr
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connecting to the server");
    stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
    stream
}

/// Whether two replies say the same: the same status line and, line by line, the same key and
/// timestamp with values equal as numbers (`1`, `1.0` and `1e0` are one value: the protocol
/// compares values as numbers, not as text).
fn same_reply(got: &str, want: &str) -> bool {
    let (got, want): (Vec<&str>, Vec<&str>) =
        (got.split('\n').collect(), want.split('\n').collect());
    got.len() == want.len()
        && got.iter().zip(&want).all(|(g, w)| {
            let (gf, wf): (Vec<&str>, Vec<&str>) = (g.split(' ').collect(), w.split(' ').collect());
            if gf.len() == 3 && wf.len() == 3 {
                let number = |text: &str| text.parse::<f64>().ok();
                gf[0] == wf[0]
                    && gf[2] == wf[2]
                    && number(gf[1]).is_some()
                    && number(gf[1]) == number(wf[1])
            } else {
                g == w
            }
        })
}

/// Asserts that `got` says the same as `want` (see [`same_reply`]).
#[track_caller]
fn assert_reply(got: impl AsRef<[u8]>, want: &str, what: &str) {
    let got = String::from_utf8_lossy(got.as_ref()).into_owned();
    assert!(
        same_reply(&got, want),
        "{what}: expected {want:?} (values compared as numbers), got {got:?}"
    );
}

/// Reads one reply (up to and including its empty line), one byte at a time so that nothing
/// of the next reply is taken.
fn read_reply(mut stream: &TcpStream) -> String {
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\n\n") {
        match stream.read(&mut byte) {
            Ok(0) => panic!(
                "the server closed the connection after {:?}",
                String::from_utf8_lossy(&reply)
            ),
            Ok(_) => reply.push(byte[0]),
            Err(e) => panic!(
                "no whole reply within {REPLY_WITHIN:?} ({e}); received {:?}",
                String::from_utf8_lossy(&reply)
            ),
        }
    }
    String::from_utf8_lossy(&reply).into_owned()
}

#[test]
fn the_server_answers_each_request() {
    let addr = start_server();
    let mut client = connect(addr);
    client.write_all(b"put k1 0.25 1\n").unwrap();
    assert_eq!(read_reply(&client), "ok\n\n");
    client.write_all(b"get k1\n").unwrap();
    assert_reply(
        read_reply(&client),
        "ok\nk1 0.25 1\n\n",
        "get k1 after put k1 0.25 1",
    );
    client.write_all(b"bad request\n").unwrap();
    assert_eq!(read_reply(&client), "error\nwrong command\n\n");
    client.write_all(b"get k3\n").unwrap();
    assert_eq!(
        read_reply(&client),
        "ok\n\n",
        "the connection stays open after an error"
    );
}

#[test]
fn requests_in_one_write_get_a_reply_each() {
    let addr = start_server();
    let mut client = connect(addr);
    client.write_all(b"put k 2 2\nput k 1 1\nget k\n").unwrap();
    assert_eq!(read_reply(&client), "ok\n\n");
    assert_eq!(read_reply(&client), "ok\n\n");
    assert_reply(
        read_reply(&client),
        "ok\nk 1 1\nk 2 2\n\n",
        "three requests, three replies, sorted lines",
    );
}

#[test]
fn two_clients_share_the_store() {
    let addr = start_server();
    let mut first = connect(addr);
    let mut second = connect(addr);
    first.write_all(b"put k 1 1\n").unwrap();
    assert_eq!(read_reply(&first), "ok\n\n");
    second.write_all(b"put k 2 2\n").unwrap();
    assert_eq!(
        read_reply(&second),
        "ok\n\n",
        "the second client is served while the first stays connected"
    );
    first.write_all(b"get k\n").unwrap();
    assert_reply(
        read_reply(&first),
        "ok\nk 1 1\nk 2 2\n\n",
        "the first client sees the second one's put",
    );
}

/// Kills the program when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_program_serves_on_its_port() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Running(
        Command::new(env!("CARGO_BIN_EXE_ex17_metrics_server"))
            .args(["--port", &port.to_string()])
            .stdin(Stdio::null())
            .spawn()
            .expect("starting ex17_metrics_server"),
    );
    let start = Instant::now();
    let client = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(e) if start.elapsed() > Duration::from_secs(5) => {
                panic!("nobody listens on port {port} after 5 s: {e}")
            }
            Err(_) => thread::sleep(Duration::from_millis(20)),
        }
    };
    client.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
    (&client).write_all(b"put k 1.5 1\nget *\n").unwrap();
    assert_eq!(read_reply(&client), "ok\n\n");
    assert_reply(
        read_reply(&client),
        "ok\nk 1.5 1\n\n",
        "get * after put k 1.5 1",
    );
}

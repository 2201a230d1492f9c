//! An asyncio-style server whose connections share one store (lesson ex17, graded project;
//! lecture 3.4). The protocol here is NOT the metrics one: a tally service. `add <name> <n>\n`
//! adds the integer n to the name's total and answers `ok <total>\n`; anything else answers
//! `error\n` and the connection stays usable. Shown: one task per connection, one store behind
//! `Arc<Mutex<..>>` whose guard never lives across an `.await`, requests that arrive several in
//! one write or split byte by byte, and descriptors that come back to where they were after
//! 200 connect/disconnect cycles. Bounded: the server task is aborted at the end.
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Default)]
struct Tally(Arc<Mutex<HashMap<String, i64>>>); // a clone is the SAME store

impl Tally {
    /// Synchronous on purpose: the lock is taken and released inside, with no `.await` between.
    fn add(&self, name: &str, n: i64) -> i64 {
        let mut map = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let total = map.entry(name.to_owned()).or_insert(0);
        *total += n;
        *total
    }
}

fn answer(line: &[u8], tally: &Tally) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(line) else { return b"error\n".to_vec() };
    match text.split(' ').collect::<Vec<_>>()[..] {
        ["add", name, n] if !name.is_empty() => match n.parse::<i64>() {
            Ok(n) => format!("ok {}\n", tally.add(name, n)).into_bytes(),
            Err(_) => b"error\n".to_vec(),
        },
        _ => b"error\n".to_vec(),
    }
}

async fn serve_client(conn: TcpStream, tally: Tally) -> io::Result<()> {
    let (reader, mut writer) = conn.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(()); // the client left: the task ends and the socket is closed
        }
        let request = line.strip_suffix(b"\n").unwrap_or(&line);
        let reply = answer(request, &tally); // the lock was taken and dropped in here
        writer.write_all(&reply).await?; // ...so no guard is held while we wait to write
    }
}

async fn serve(listener: TcpListener) {
    let tally = Tally::default();
    loop {
        match listener.accept().await {
            Ok((conn, _)) => {
                let tally = tally.clone();
                tokio::spawn(async move {
                    if let Err(e) = serve_client(conn, tally).await {
                        eprintln!("client: {e}");
                    }
                });
            }
            Err(e) => {
                eprintln!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

async fn read_replies(conn: &mut TcpStream, count: usize) -> io::Result<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.iter().filter(|&&b| b == b'\n').count() < count {
        let n = conn.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&got).into_owned())
}

async fn clients(addr: SocketAddr) -> io::Result<()> {
    // Client A: three requests (one malformed) in ONE write: three replies, in order.
    let mut a = TcpStream::connect(addr).await?;
    a.write_all(b"add apples 3\nadd apples three\nadd pears 5\n").await?;
    println!("A got {:?}", read_replies(&mut a, 3).await?);

    // Client B: one request written a byte at a time: answered once, whole.
    let mut b = TcpStream::connect(addr).await?;
    for byte in b"add apples 10\n" {
        b.write_all(std::slice::from_ref(byte)).await?;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    println!("B got {:?} (A's apples are in the same store)", read_replies(&mut b, 1).await?);

    // A again, on the same connection after its error: still usable.
    a.write_all(b"add pears 1\n").await?;
    println!("A got {:?}", read_replies(&mut a, 1).await?);
    Ok(())
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener));

    clients(addr).await?;
    tokio::time::sleep(Duration::from_millis(100)).await; // let the server close A's and B's sockets

    let before = open_fds();
    for _ in 0..200 {
        let mut c = TcpStream::connect(addr).await?;
        c.write_all(b"add visits 1\n").await?;
        read_replies(&mut c, 1).await?;
    } // each `c` is dropped: the client closes, the server's task ends and closes its side
    tokio::time::sleep(Duration::from_millis(100)).await;
    println!("open descriptors before the 200 cycles: {before}, after: {}", open_fds());

    server.abort(); // the example's end; a real server runs until it is stopped
    Ok(())
}

//! The notes' asyncio TCP server and client (lesson ex15, section 3.4). The server is
//! `asyncio.start_server(handle_echo, ...)`: every accepted connection gets a coroutine — here a
//! tokio task — that reads up to 1024 bytes, prints what it got and from whom, and closes. The
//! client is `asyncio.open_connection` + `writer.write` + `writer.close()`. As in the notes, one
//! client is an ordinary blocking socket (on a plain thread) and others are async. Everything
//! on the server side runs on ONE thread (a current-thread runtime). Stops after four clients.
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CLIENTS: usize = 4;

/// Python: async def handle_echo(reader, writer)
async fn handle_echo(mut conn: TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).await?; // the task sleeps here; the thread serves others
    let message = String::from_utf8_lossy(&buf[..n]);
    println!("received {message:?} from {peer} on {:?}", std::thread::current().id());
    Ok(()) // dropping conn: writer.close()
}

/// Python: async def tcp_echo_client(message)
async fn tcp_echo_client(addr: SocketAddr, message: String, delay_ms: u64) -> io::Result<()> {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    let mut conn = TcpStream::connect(addr).await?; // asyncio.open_connection
    println!("send: {message:?}");
    conn.write_all(message.as_bytes()).await?; // writer.write(message.encode())
    Ok(())
}

fn main() -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        println!("server on {addr}, main thread {:?}", std::thread::current().id());

        // A plain blocking client on its own thread, like the notes' `socket` clients.
        let blocking = std::thread::spawn(move || -> io::Result<()> {
            let mut sock = std::net::TcpStream::connect(addr)?;
            sock.write_all(b"hello from a blocking socket")
        });
        // Async clients: tasks on the same single thread as the server.
        let mut clients = Vec::new();
        for (i, delay) in [(1, 150), (2, 50), (3, 100)] {
            clients.push(tokio::spawn(tcp_echo_client(addr, format!("hello world {i}"), delay)));
        }

        // The notes' server runs forever (loop.run_forever()); this one accepts CLIENTS.
        let mut handlers = Vec::new();
        for _ in 0..CLIENTS {
            let (conn, peer) = listener.accept().await?;
            handlers.push(tokio::spawn(handle_echo(conn, peer))); // one task per connection
        }
        for task in clients.into_iter().chain(handlers) {
            if let Err(e) = task.await.map_err(io::Error::other)? {
                eprintln!("a connection failed: {e}");
            }
        }
        blocking.join().expect("the blocking client panicked")
    })
}

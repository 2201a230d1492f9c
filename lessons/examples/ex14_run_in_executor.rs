//! The notes' `loop.run_in_executor(None, sync_get_url, url)` (lesson ex14, section 3.5): a
//! blocking function called from async code. Instead of downloading a web page, the blocking
//! function here fetches a few kilobytes from a slow server on loopback (a plain thread) with
//! std's blocking sockets. A heartbeat task ticks every 10 ms on a one-thread runtime; we
//! measure its longest gap while the blocking fetch runs (1) directly inside async code and
//! (2) through `spawn_blocking`, tokio's run_in_executor.
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// A slow "web server": for each of `clients` connections, wait 300 ms, then send 11 kB.
fn slow_server(clients: usize) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        for conn in listener.incoming().take(clients) {
            match conn {
                Ok(mut conn) => {
                    thread::sleep(Duration::from_millis(300));
                    let _ = conn.write_all(&[b'x'; 11_000]);
                }
                Err(e) => eprintln!("slow server: {e}"),
            }
        }
    });
    Ok(addr)
}

/// Python's sync_get_url(url): blocking all the way.
fn sync_get(addr: SocketAddr) -> io::Result<Vec<u8>> {
    let mut conn = TcpStream::connect(addr)?;
    let mut body = Vec::new();
    conn.read_to_end(&mut body)?;
    Ok(body)
}

/// Ticks every 10 ms until told to stop; returns the longest gap between two ticks.
async fn heartbeat(stop: Arc<AtomicBool>) -> Duration {
    let mut last = Instant::now();
    let mut worst = Duration::ZERO;
    while !stop.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(10)).await;
        worst = worst.max(last.elapsed());
        last = Instant::now();
    }
    worst
}

async fn measure(addr: SocketAddr, offload: bool) -> io::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let beat = tokio::spawn(heartbeat(Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_millis(30)).await; // let the heartbeat start
    let body = if offload {
        // loop.run_in_executor(None, sync_get_url, url): a thread of tokio's blocking pool.
        tokio::task::spawn_blocking(move || sync_get(addr)).await.map_err(io::Error::other)??
    } else {
        sync_get(addr)? // blocks the runtime's only thread: no other task can run
    };
    stop.store(true, Ordering::SeqCst);
    let worst = beat.await.map_err(io::Error::other)?;
    let how = if offload { "spawn_blocking" } else { "called directly" };
    println!("{how:>15}: got {} bytes; longest heartbeat gap {worst:?}", body.len());
    Ok(())
}

fn main() -> io::Result<()> {
    let addr = slow_server(2)?;
    // One worker thread, as in asyncio: the effect of blocking it is plain to see.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        measure(addr, false).await?;
        measure(addr, true).await
    })
}

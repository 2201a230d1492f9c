//! The notes' threaded server (lesson ex11, section 2.3): the main thread only accepts, and each
//! connection gets a thread running `process_request`, so a client that connects and says
//! nothing keeps no one else waiting. Three clients here: a silent one first, then two that
//! talk. The thread count (from /proc/self/task) goes up while they are connected and back
//! down when they leave. Bounded: the server accepts three clients and joins their threads.
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// Python's process_request(conn, addr): print what the client sends until it closes.
fn process_request(conn: TcpStream, peer: SocketAddr) -> io::Result<()> {
    println!("server: connected client {peer}");
    for line in BufReader::new(&conn).lines() {
        println!("server [{peer}]: {}", line?);
    }
    println!("server: {peer} left");
    Ok(())
}

fn talk(addr: SocketAddr, name: &str, start: Instant) -> io::Result<()> {
    let mut sock = TcpStream::connect(addr)?;
    writeln!(sock, "hello from {name} at {:?}", start.elapsed())?;
    Ok(())
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let start = Instant::now();
    println!("threads at start: {}", threads());

    let clients = thread::spawn(move || -> io::Result<()> {
        let silent = TcpStream::connect(addr)?; // connects, says nothing for a while
        thread::sleep(Duration::from_millis(50));
        talk(addr, "alice", start)?;
        talk(addr, "bob", start)?;
        thread::sleep(Duration::from_millis(200));
        drop(silent); // only now does the first client leave
        Ok(())
    });

    let mut handlers = Vec::new();
    for stream in listener.incoming().take(3) {
        let conn = stream?;
        let peer = conn.peer_addr()?;
        // Python: threading.Thread(target=process_request, args=(conn, addr)).start()
        handlers.push(thread::spawn(move || process_request(conn, peer)));
        println!("threads now: {}", threads());
    }
    clients.join().expect("the client thread panicked")?;
    for handler in handlers {
        if let Err(e) = handler.join().expect("a handler panicked") {
            eprintln!("server: a client failed: {e}");
        }
    }
    println!("threads at the end: {}", threads());
    Ok(())
}

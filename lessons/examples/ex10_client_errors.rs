//! The notes' client with a connect timeout and a read timeout (lesson ex10, section 2.2), and
//! the three failures a client must tell apart, each provoked on loopback: a read that times
//! out (a server that accepts and never answers), a refused connection (nobody listens on the
//! port), and a reset (the server closes with our bytes unread, so the kernel sends RST).
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_millis(400);

/// Python: socket.create_connection(addr, timeout) then sock.settimeout(timeout).
fn ask(addr: SocketAddr, message: &[u8]) -> io::Result<Vec<u8>> {
    let mut sock = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    sock.set_read_timeout(Some(TIMEOUT))?;
    sock.set_write_timeout(Some(TIMEOUT))?;
    sock.write_all(message)?;
    let mut buf = vec![0u8; 1024];
    let n = sock.read(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

fn report(case: &str, addr: SocketAddr) {
    let start = Instant::now();
    let outcome = ask(addr, b"ping");
    let took = start.elapsed();
    match outcome {
        Ok(reply) => println!("{case}: reply {:?} after {took:?}", String::from_utf8_lossy(&reply)),
        Err(e) => println!("{case}: error kind {:?} after {took:?} ({e})", e.kind()),
    }
}

fn main() -> io::Result<()> {
    // 1. A server that accepts (the kernel does that for it) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0")?;
    report("silent server", silent.local_addr()?);

    // 2. A port where nobody listens: bind one to learn a free port, then close it.
    let closed = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    report("nobody listening", closed);

    // 3. A server that closes without reading what we sent: Linux answers with a reset.
    let rude = TcpListener::bind("127.0.0.1:0")?;
    let rude_addr = rude.local_addr()?;
    let server = thread::spawn(move || -> io::Result<()> {
        let (conn, _) = rude.accept()?;
        thread::sleep(Duration::from_millis(100)); // let the client's bytes arrive
        drop(conn); // unread data in the receive buffer: close sends RST, not FIN
        Ok(())
    });
    report("rude server", rude_addr);
    server.join().expect("the server thread panicked")?;
    Ok(())
}

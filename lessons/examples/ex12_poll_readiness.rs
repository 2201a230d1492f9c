//! One thread waiting on several sockets with `poll` (lesson ex12, section 3.1, the notes'
//! `select`). Three parts: (1) three connections whose clients speak after different delays are
//! read in the order they become ready, by one thread that never blocks on any single socket;
//! (2) a non-blocking read with nothing to read fails with `WouldBlock` instead of waiting;
//! (3) a non-blocking write to a peer that does not read is taken only in part, and `POLLOUT`
//! reports when there is room again. The clients run on a helper thread; the server side is
//! the main thread alone. Loopback only, bounded.
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

/// poll() on the given streams for `events`, retrying on EINTR; returns each one's revents.
fn wait_for(streams: &[&TcpStream], events: PollFlags, timeout_ms: u16) -> io::Result<Vec<PollFlags>> {
    let mut fds: Vec<PollFd> = streams.iter().map(|s| PollFd::new(s.as_fd(), events)).collect();
    loop {
        match poll(&mut fds, PollTimeout::from(timeout_ms)) {
            Ok(_) => break,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(fds.iter().map(|fd| fd.revents().unwrap_or(PollFlags::empty())).collect())
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let start = Instant::now();

    // Part 1: three clients, each says its name after its own delay, then closes.
    let clients = thread::spawn(move || -> io::Result<()> {
        let mut socks = Vec::new();
        for _ in 0..3 {
            socks.push(TcpStream::connect(addr)?);
        }
        for (i, delay_ms) in [(0, 300), (1, 100), (2, 200)] {
            let mut sock = socks[i].try_clone()?;
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(delay_ms));
                let _ = sock.write_all(format!("client {i}").as_bytes());
            });
        }
        thread::sleep(Duration::from_millis(500));
        Ok(()) // the sockets are closed here
    });

    let mut conns = Vec::new();
    for _ in 0..3 {
        let (conn, _) = listener.accept()?;
        conn.set_nonblocking(true)?; // from now on, no call on it ever waits
        conns.push(conn);
    }

    // Part 2: nothing has been sent yet, so a read cannot be done "now".
    let mut buf = [0u8; 64];
    match conns[0].read(&mut buf) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => println!("read with no data: WouldBlock"),
        other => println!("read with no data: unexpected {other:?}"),
    }

    let mut heard = 0;
    while heard < 3 {
        let refs: Vec<&TcpStream> = conns.iter().collect();
        let ready = wait_for(&refs, PollFlags::POLLIN, 1000)?; // the only place we wait
        for (i, events) in ready.iter().enumerate() {
            if events.contains(PollFlags::POLLIN) {
                match conns[i].read(&mut buf) {
                    Ok(0) => {}
                    Ok(n) => {
                        heard += 1;
                        let text = String::from_utf8_lossy(&buf[..n]);
                        println!("{:>4} ms: connection {i} ready: {text:?}", start.elapsed().as_millis());
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {} // spurious: poll again
                    Err(e) => return Err(e),
                }
            }
        }
    }
    clients.join().expect("the client thread panicked")?;

    // Part 3: a peer that does not read. A non-blocking write takes what fits in the buffers.
    let reader = TcpStream::connect(addr)?;
    let (mut writer, _) = listener.accept()?;
    writer.set_nonblocking(true)?;
    let chunk = vec![b'x'; 64 * 1024];
    let mut taken = 0;
    loop {
        match writer.write(&chunk) {
            Ok(n) => taken += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    println!("the kernel took {taken} bytes, then WouldBlock: the rest must wait in our buffer");
    let ready = wait_for(&[&writer], PollFlags::POLLOUT, 100)?;
    println!("POLLOUT while the peer reads nothing: {}", ready[0].contains(PollFlags::POLLOUT));

    // The peer drains everything; room appears and poll says so.
    let mut reader = reader;
    let mut drained = 0;
    let mut big = vec![0u8; 256 * 1024];
    while drained < taken {
        drained += reader.read(&mut big)?;
    }
    let ready = wait_for(&[&writer], PollFlags::POLLOUT, 1000)?;
    println!("POLLOUT after the peer read {drained} bytes: {}", ready[0].contains(PollFlags::POLLOUT));
    Ok(())
}

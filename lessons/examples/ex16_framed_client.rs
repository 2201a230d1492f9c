//! A strict client for a small line protocol (lesson ex16, graded project; lecture 2.1–2.2).
//! The protocol here is NOT the metrics one: a POP3-like stock service. `list\n` is answered
//! `+ok\n`, one `<item> <count>\n` line per item, and a line `.\n`; an error is `-err <why>\n`.
//! A fake server on loopback sends each reply ONE BYTE AT A TIME, and cuts its last reply
//! short by closing. The client keeps one connection and one `BufReader` for the session, sets
//! its timeouts, reads whole lines with `read_until`, and turns anything off-protocol into an
//! error value with `Display` and `source`.
use std::error::Error;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

#[derive(Debug)]
enum StockError {
    Io(io::Error),
    Server(String),
    BadReply(String),
}

impl fmt::Display for StockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StockError::Io(e) => write!(f, "talking to the stock server failed: {e}"),
            StockError::Server(why) => write!(f, "the stock server refused: {why}"),
            StockError::BadReply(what) => write!(f, "the stock server's reply is malformed: {what}"),
        }
    }
}

impl Error for StockError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            StockError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for StockError {
    fn from(e: io::Error) -> Self {
        StockError::Io(e)
    }
}

struct StockClient {
    conn: BufReader<TcpStream>, // kept for the whole session: buffered bytes are never lost
}

impl StockClient {
    fn connect(addr: SocketAddr, timeout: Duration) -> Result<StockClient, StockError> {
        let stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        Ok(StockClient { conn: BufReader::new(stream) })
    }

    /// One line without its `\n`; a line cut short by the end of the stream is an error.
    fn line(&mut self) -> Result<String, StockError> {
        let mut bytes = Vec::new();
        self.conn.read_until(b'\n', &mut bytes)?; // loops over as many reads as it takes
        if bytes.pop() != Some(b'\n') {
            return Err(StockError::BadReply("the connection ended inside a reply".into()));
        }
        String::from_utf8(bytes).map_err(|_| StockError::BadReply("not UTF-8".into()))
    }

    fn list(&mut self) -> Result<Vec<(String, u32)>, StockError> {
        self.conn.get_mut().write_all(b"list\n")?;
        let status = self.line()?;
        if let Some(why) = status.strip_prefix("-err ") {
            return Err(StockError::Server(why.to_owned()));
        }
        if status != "+ok" {
            return Err(StockError::BadReply(format!("unexpected status {status:?}")));
        }
        // Read the WHOLE reply, up to its terminator, before judging any line of it: a reply
        // rejected halfway would leave its tail in the stream, to be mistaken for the next one.
        let mut lines = Vec::new();
        loop {
            let line = self.line()?;
            if line == "." {
                break;
            }
            lines.push(line);
        }
        let mut items = Vec::new();
        for line in lines {
            // Exactly two fields, the second a number: anything else rejects the whole reply.
            let [name, count] = line.split(' ').collect::<Vec<_>>()[..] else {
                return Err(StockError::BadReply(format!("not `<item> <count>`: {line:?}")));
            };
            let count = count.parse().map_err(|_| StockError::BadReply(format!("bad count in {line:?}")))?;
            items.push((name.to_owned(), count));
        }
        Ok(items)
    }
}

/// The fake server: answers each `list` with the next canned reply, one byte at a time.
fn fake_server(listener: TcpListener) -> io::Result<()> {
    let replies: [&[u8]; 4] = [
        b"+ok\napples 3\npears 12\n.\n",
        b"+ok\nplums many\n.\n",
        b"-err stock is being counted\n",
        b"+ok\nfigs 1\n", // no final `.`: the server closes mid-reply
    ];
    let (conn, _) = listener.accept()?; // ONE connection for the whole session
    let mut reader = BufReader::new(&conn);
    for reply in replies {
        let mut request = Vec::new();
        if reader.read_until(b'\n', &mut request)? == 0 {
            break;
        }
        for byte in reply {
            (&conn).write_all(std::slice::from_ref(byte))?;
            thread::sleep(Duration::from_millis(1));
        }
    }
    Ok(()) // closing here cuts the last reply short
}

fn main() -> Result<(), Box<dyn Error>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || fake_server(listener));

    let mut client = StockClient::connect(addr, Duration::from_secs(2))?;
    for _ in 0..4 {
        match client.list() {
            Ok(items) => println!("ok: {items:?}"),
            Err(e) => println!("error: {e} (source: {:?})", e.source().map(|s| s.to_string())),
        }
    }
    server.join().expect("the fake server panicked")?;

    // An I/O failure keeps its cause: source() is the io::Error.
    let closed = TcpListener::bind("127.0.0.1:0")?.local_addr()?; // bound, then closed at once
    if let Err(e) = StockClient::connect(closed, Duration::from_secs(2)) {
        println!("error: {e} (source: {:?})", e.source().map(|s| s.to_string()));
    }

    // Why not parse what one read() returns: with a byte-at-a-time sender, it is one byte.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let trickle = thread::spawn(move || -> io::Result<()> {
        let (mut conn, _) = listener.accept()?;
        for byte in b"+ok\n.\n" {
            conn.write_all(std::slice::from_ref(byte))?;
            thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    });
    let mut raw = TcpStream::connect(addr)?;
    let mut buf = [0u8; 64];
    let n = raw.read(&mut buf)?;
    println!("a single read() returned {n} byte(s): {:?}", String::from_utf8_lossy(&buf[..n]));
    trickle.join().expect("the trickle server panicked")?;
    Ok(())
}

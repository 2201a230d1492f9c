//! # ex15_async_server: an asyncio-style TCP server with graceful shutdown (lecture 3.4)
//!
//! ex11 served each client on a thread of its own and ex12 served them all from one `poll`
//! loop written by hand. asyncio's `start_server` is the second design with the bookkeeping done
//! for you: one event loop, and each connection a coroutine (`handle_client(reader, writer)`)
//! that reads as if it were blocking. tokio is the same in Rust: [`serve`] accepts connections
//! and starts a *task* per connection with `tokio::spawn`. A task is a small state machine on
//! the heap, not a thread: 10,000 connections are 10,000 tasks on the runtime's few worker
//! threads (one per core), which sleep in `epoll` until a socket is ready.
//!
//! ## The protocol: a line echo
//!
//! A client sends lines (bytes up to and including `\n`); the server sends each line back as
//! soon as it is complete, until the client closes the connection. An unfinished last line is
//! sent back when the client closes. Lines are bytes: they need not be UTF-8.
//!
//! ## Graceful shutdown
//!
//! A server is stopped with a signal: SIGTERM (`kill PID`, what service managers send) or SIGINT
//! (Ctrl-C in a terminal). Their default action ends the process on the spot; a server that
//! wants to stop cleanly installs handlers for both ([`ShutdownSignal::install`], done by the
//! provided `main.rs` before the port is bound) and, when one arrives, stops accepting (the
//! listening socket is closed, so the port is free again), tells every connection to finish,
//! gives them a short, bounded time to do so, and exits with status 0. Waiting without a bound
//! for clients that stay connected would never end.
//!
//! ## Conventions of every server in this course
//!
//! The program takes `--port N` and listens on `127.0.0.1:N` (loopback only). In `exercises/`,
//! `cargo run -p ex15_async_server -- --port 7000`, then `nc 127.0.0.1 7000` in another
//! terminal; Ctrl-C stops it.

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How long [`serve`] waits for the connections to finish after the shutdown signal, before it
/// returns anyway (the runtime then drops whatever is left, closing those sockets).
pub const DRAIN_TIME: Duration = Duration::from_millis(300);

/// The handlers for SIGTERM and SIGINT, installed once at start-up.
pub struct ShutdownSignal {
    terminate: Signal,
    interrupt: Signal,
}

impl ShutdownSignal {
    /// Installs the handlers now: from here on SIGTERM and SIGINT no longer end the process but
    /// are delivered to [`ShutdownSignal::recv`]. Must be called inside a tokio runtime.
    pub fn install() -> io::Result<ShutdownSignal> {
        Ok(ShutdownSignal {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Waits for SIGTERM or SIGINT, whichever comes first, and says which one came.
    pub async fn recv(&mut self) -> &'static str {
        // A handler that is installed but never awaited would swallow its signal: both are
        // awaited here, together.
        tokio::select! {
            _ = self.terminate.recv() => "SIGTERM",
            _ = self.interrupt.recv() => "SIGINT",
        }
    }
}

/// Serves one client: sends each line back as soon as it is complete, until the client closes
/// the connection (an unfinished last line is sent back then) or `shutdown` turns true.
pub async fn handle_client(
    stream: TcpStream,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        tokio::select! {
            read = reader.read_until(b'\n', &mut line) => {
                if read? == 0 {
                    return Ok(()); // The client closed the connection.
                }
                writer.write_all(&line).await?;
            }
            // The server only ever sends `true`, so any change means "stop"; Err means the
            // sender is gone, and the server is stopping either way.
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

/// Accepts connections on `listener` and serves each on a task of its own, until `shutdown`
/// completes; then stops accepting, tells every connection to finish, waits for them at most
/// [`DRAIN_TIME`], and returns `Ok(())`.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // A task, not a thread: spawning costs a small allocation, and the task
                    // sleeps without a thread while its client is silent.
                    connections.spawn(handle_client(stream, stopping.clone()));
                }
                // Out of descriptors (EMFILE) or a connection reset before it was accepted: the
                // listener itself is fine. Pause briefly so that a full descriptor table does
                // not turn this loop into a busy one.
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            // Finished connections are reaped as we go, so the set holds live ones only.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    // Stop accepting: the port is free from here on.
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(DRAIN_TIME, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        eprintln!(
            "{} connections did not finish in time; closing them",
            connections.len()
        );
        connections.shutdown().await;
    }
    Ok(())
}

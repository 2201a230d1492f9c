//! Stopping cleanly on a signal (lesson ex15, section 3.4): the notes' server ends with
//! `try: loop.run_forever() except KeyboardInterrupt: pass`, then `server.close()` and
//! `wait_closed()`. In tokio a signal is a stream you await: once a handler is installed, SIGTERM
//! no longer kills the process but wakes whoever awaits it. Here two worker tasks tick until a
//! `watch` channel tells them to stop; the main task waits for SIGTERM with `select!` next to a
//! status ticker, broadcasts "stop", and gives the workers a bounded time to finish. To stay
//! self-contained the program sends SIGTERM to itself after 300 ms. Exits with status 0.
use std::time::{Duration, Instant};

use nix::sys::signal::{raise, Signal};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;

async fn worker(name: &'static str, mut stop: watch::Receiver<bool>, start: Instant) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = tick.tick() => println!("{:>4} ms  {name}: working", start.elapsed().as_millis()),
            // changed() completes when the sender sends (or is dropped).
            _ = stop.changed() => {
                println!("{:>4} ms  {name}: told to stop, finishing", start.elapsed().as_millis());
                return;
            }
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let start = Instant::now();
    // Install the handler FIRST: from here on SIGTERM is delivered to `terms`, not fatal.
    let mut terms = signal(SignalKind::terminate())?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = vec![
        tokio::spawn(worker("worker A", stop_rx.clone(), start)),
        tokio::spawn(worker("worker B", stop_rx, start)),
    ];

    // Stand-in for `kill PID` from another terminal.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(300));
        if let Err(e) = raise(Signal::SIGTERM) {
            eprintln!("could not send SIGTERM: {e}");
        }
    });

    let mut status = tokio::time::interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            _ = status.tick() => println!("{:>4} ms  main: still running", start.elapsed().as_millis()),
            _ = terms.recv() => {
                println!("{:>4} ms  main: SIGTERM received", start.elapsed().as_millis());
                break;
            }
        }
    }

    let _ = stop_tx.send(true); // every receiver sees the change
    let all_done = async {
        for w in workers {
            let _ = w.await;
        }
    };
    // Never wait without a bound at shutdown: a stuck task must not keep the process alive.
    match tokio::time::timeout(Duration::from_millis(300), all_done).await {
        Ok(()) => println!("{:>4} ms  main: all workers finished; exit 0", start.elapsed().as_millis()),
        Err(_) => println!("{:>4} ms  main: gave up waiting; exit 0 anyway", start.elapsed().as_millis()),
    }
    Ok(())
}

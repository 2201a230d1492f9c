//! `ex15_async_server --port N`: the line-echo server on 127.0.0.1:N, a tokio task per client;
//! SIGTERM or SIGINT (Ctrl-C) stops it cleanly with exit status 0.
//!
//! Provided: you do not need to change this.

use std::process::ExitCode;

use ex15_async_server::{serve, ShutdownSignal};
use tokio::net::TcpListener;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match args.as_slice() {
        [flag, port] if flag == "--port" => port.parse::<u16>().ok(),
        _ => None,
    };
    let Some(port) = port else {
        eprintln!("usage: ex15_async_server --port N   (listens on 127.0.0.1:N)");
        return ExitCode::from(2);
    };
    // What #[tokio::main] builds: a multi-thread runtime with one worker thread per core. Every
    // connection is a task on these few threads.
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        // The handlers go in before the port is bound: once a client (or the checker) can see
        // the server listening, a SIGTERM must already mean "shut down cleanly", not "die".
        let mut signals = ShutdownSignal::install()?;
        // Loopback only: nobody outside this machine can connect.
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        serve(listener, async move {
            let which = signals.recv().await;
            eprintln!("{which} received: shutting down");
        })
        .await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ex15_async_server on 127.0.0.1:{port}: {e}");
            ExitCode::FAILURE
        }
    }
}

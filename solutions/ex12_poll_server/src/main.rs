//! `ex12_poll_server --port N`: the line-echo server on 127.0.0.1:N, on one thread with poll.
//!
//! Provided: you do not need to change this.

use std::net::TcpListener;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match args.as_slice() {
        [flag, port] if flag == "--port" => port.parse::<u16>().ok(),
        _ => None,
    };
    let Some(port) = port else {
        eprintln!("usage: ex12_poll_server --port N   (listens on 127.0.0.1:N)");
        return ExitCode::from(2);
    };
    // Loopback only: nobody outside this machine can connect.
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // serve returns only if poll itself fails.
    if let Err(e) = ex12_poll_server::serve(listener) {
        eprintln!("the server stopped: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

//! `ex11_threaded_server --port N`: the line-echo server on 127.0.0.1:N, a thread per client.
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
        eprintln!("usage: ex11_threaded_server --port N   (listens on 127.0.0.1:N)");
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
    ex11_threaded_server::serve(listener);
    ExitCode::SUCCESS
}

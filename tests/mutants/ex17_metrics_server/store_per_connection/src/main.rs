//! `ex17_metrics_server --port N`: the metrics server on 127.0.0.1:N.
//!
//! Provided: you do not need to change this.

use std::process::ExitCode;

use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match args.as_slice() {
        [flag, port] if flag == "--port" => port.parse::<u16>().ok(),
        _ => None,
    };
    let Some(port) = port else {
        eprintln!("usage: ex17_metrics_server --port N   (listens on 127.0.0.1:N)");
        return ExitCode::from(2);
    };
    // Loopback only: nobody outside this machine can connect.
    let listener = match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    ex17_metrics_server::serve(listener).await;
    ExitCode::SUCCESS
}

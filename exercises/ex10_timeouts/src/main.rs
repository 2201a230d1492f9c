//! `ex10_timeouts server --port N --idle-timeout-ms T`: an echo server on 127.0.0.1:N that
//! drops a client idle for longer than T milliseconds.
//! `ex10_timeouts client --port N [--host H] --timeout-ms T MESSAGE`: sends MESSAGE and prints
//! exactly one line: `reply: ...` (the reply, escaped), or `error: refused`,
//! `error: timed out`, `error: reset`, `error: <other error>`; exits 1 on an error.
//!
//! Provided: you do not need to change this.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: ex10_timeouts server --port N --idle-timeout-ms T\n       \
                     ex10_timeouts client --port N [--host H] --timeout-ms T MESSAGE";

enum Command {
    Server {
        port: u16,
        idle_timeout: Duration,
    },
    Client {
        host: String,
        port: u16,
        timeout: Duration,
        message: String,
    },
}

fn parse(args: &[String]) -> Option<Command> {
    let (command, rest) = args.split_first()?;
    let mut port = None;
    let mut host = "127.0.0.1".to_owned();
    let mut timeout_ms = None;
    let mut idle_ms = None;
    let mut positional = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => port = Some(rest.next()?.parse::<u16>().ok()?),
            "--host" => host = rest.next()?.clone(),
            "--timeout-ms" => timeout_ms = Some(rest.next()?.parse::<u64>().ok()?),
            "--idle-timeout-ms" => idle_ms = Some(rest.next()?.parse::<u64>().ok()?),
            _ => positional.push(arg.clone()),
        }
    }
    let port = port?;
    let positive = |ms: Option<u64>| ms.filter(|&ms| ms > 0).map(Duration::from_millis);
    match (command.as_str(), positional.as_slice()) {
        ("server", []) => Some(Command::Server {
            port,
            idle_timeout: positive(idle_ms)?,
        }),
        ("client", [message]) => Some(Command::Client {
            host,
            port,
            timeout: positive(timeout_ms)?,
            message: message.clone(),
        }),
        _ => None,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = parse(&args) else {
        eprintln!("{USAGE}   (T > 0)");
        return ExitCode::from(2);
    };
    match command {
        Command::Server { port, idle_timeout } => {
            // Loopback only: nobody outside this machine can connect.
            let listener = match TcpListener::bind(("127.0.0.1", port)) {
                Ok(listener) => listener,
                Err(e) => {
                    eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            ex10_timeouts::serve(listener, idle_timeout);
            ExitCode::SUCCESS
        }
        Command::Client {
            host,
            port,
            timeout,
            message,
        } => match ex10_timeouts::request(&host, port, message.as_bytes(), timeout) {
            Ok(reply) => {
                // Escaped (`\n`, `\x00`, ...) so that the reply stays on one line.
                println!("reply: {}", reply.escape_ascii());
                ExitCode::SUCCESS
            }
            Err(error) => {
                println!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

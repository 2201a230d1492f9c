//! `ex09_echo server --port N`: the echo server on 127.0.0.1:N.
//! `ex09_echo client --port N [--host H] MESSAGE`: sends MESSAGE to the server and writes the
//! reply to stdout, byte for byte.
//!
//! Provided: you do not need to change this.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str =
    "usage: ex09_echo server --port N\n       ex09_echo client --port N [--host H] MESSAGE";

enum Command {
    Server {
        port: u16,
    },
    Client {
        host: String,
        port: u16,
        message: String,
    },
}

fn parse(args: &[String]) -> Option<Command> {
    let (command, rest) = args.split_first()?;
    let mut port = None;
    let mut host = "127.0.0.1".to_owned();
    let mut positional = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => port = Some(rest.next()?.parse::<u16>().ok()?),
            "--host" => host = rest.next()?.clone(),
            _ => positional.push(arg.clone()),
        }
    }
    let port = port?;
    match (command.as_str(), positional.as_slice()) {
        ("server", []) => Some(Command::Server { port }),
        ("client", [message]) => Some(Command::Client {
            host,
            port,
            message: message.clone(),
        }),
        _ => None,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command {
        Command::Server { port } => match ex09_echo::serve(port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server on 127.0.0.1:{port} failed: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Client {
            host,
            port,
            message,
        } => match ex09_echo::request(&host, port, message.as_bytes()) {
            Ok(reply) => {
                let mut stdout = std::io::stdout().lock();
                if stdout
                    .write_all(&reply)
                    .and_then(|()| stdout.flush())
                    .is_err()
                {
                    return ExitCode::FAILURE;
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("request to {host}:{port} failed: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

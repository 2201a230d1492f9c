//! The `checker` binary: parses the command line, runs the command, prints the error chain once
//! and exits with one of the documented exit codes.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The supervising copy of the checker, started by the sandbox (see sandbox::supervisor).
    if std::env::args().nth(1).as_deref() == Some(checker::sandbox::supervisor::SUBCOMMAND) {
        return ExitCode::from(checker::sandbox::supervisor::main() as u8);
    }
    let cli = checker::cli::Cli::parse();
    checker::sandbox::adopt_orphans();
    match checker::commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::from(error.exit_code())
        }
    }
}

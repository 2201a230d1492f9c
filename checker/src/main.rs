//! The `checker` binary: parses the command line, runs the command, prints the error chain once
//! and exits with one of the documented exit codes.

use clap::FromArgMatches;
use i18n_embed_fl::fl;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The supervising copy of the checker, started by the sandbox (see sandbox::supervisor).
    if std::env::args().nth(1).as_deref() == Some(checker::sandbox::supervisor::SUBCOMMAND) {
        return ExitCode::from(checker::sandbox::supervisor::main() as u8);
    }
    // The help is built in the language asked for before clap parses (and prints it).
    let help_language = checker::help::language(std::env::args_os());
    let help_messages = checker::messages::of(help_language);
    // A mistake on the command line is told in the same language (clap's English otherwise).
    let parse_error = |error: clap::Error| -> ! {
        match checker::help::parse_error(&error, help_language, help_messages) {
            Some(said) => {
                eprint!("{said}");
                std::process::exit(2)
            }
            None => error.exit(),
        }
    };
    let matches =
        checker::help::command(help_language, help_messages).try_get_matches().unwrap_or_else(|e| parse_error(e));
    let cli = checker::cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| parse_error(e));
    let language = checker::lang::Language::choose(cli.lang);
    checker::sandbox::adopt_orphans();
    stop_cleanly_on_interrupt();
    // Output into a closed pipe (`checker list | head -3`) fails the next write, which panics
    // in `println!`: the command then stops there, quietly, and unwinds so that its temporary
    // folders and processes are cleaned up as on any return.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !stdout_closed() {
            default_hook(info)
        }
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| checker::commands::dispatch(cli, language)));
    if checker::sandbox::was_interrupted() {
        // The jobs were killed under the command's feet: the interrupt's thread cleans up and
        // exits; nothing the command says now is news.
        loop {
            std::thread::park();
        }
    }
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(_) if stdout_closed() => return ExitCode::SUCCESS,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let messages = checker::messages::of(language);
            eprintln!("{}", fl!(messages, "error", message = error.localized(messages)));
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  {}", fl!(messages, "error-cause", cause = cause.to_string()));
                source = cause.source();
            }
            ExitCode::from(error.exit_code())
        }
    }
}

/// Whether standard output is a pipe whose reading end is closed (the kernel reports an error
/// condition on the writing end).
fn stdout_closed() -> bool {
    let mut stdout = libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 };
    // SAFETY: one valid pollfd, a zero timeout; the descriptor is only inspected.
    let ready = unsafe { libc::poll(&mut stdout, 1, 0) };
    ready > 0 && stdout.revents & libc::POLLERR != 0
}

/// Ctrl-C (or a SIGTERM, a closed terminal) stops the checker at any point without leaving
/// anything behind: the running jobs and their processes are killed, their temporary folders
/// removed; then it exits as a process killed by that signal would (128 + its number).
fn stop_cleanly_on_interrupt() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            checker::terminal::restore();
            checker::sandbox::interrupted();
            std::process::exit(128 + signal);
        }
    });
}

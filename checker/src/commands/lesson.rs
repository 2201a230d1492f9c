//! `checker lesson EX`: the exercise's lesson (`lessons/<lang>/<id>.md` in the course), rendered
//! for the terminal and paged when it is taller than the screen, or as plain Markdown when the
//! output is not a terminal (a pipe, a file). A lesson missing in the chosen language falls back
//! to English, saying so.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::lang::Language;
use i18n_embed_fl::fl;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub fn run(context: &Context, query: &str, language: Language) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let path_in = |language: Language| -> PathBuf {
        context.layout.root.join("lessons").join(language.code()).join(format!("{}.md", exercise.id))
    };
    let mut path = path_in(language);
    if !path.is_file() && language != Language::En {
        let missing = path.display().to_string();
        eprintln!("{}", fl!(context.messages, "lesson-in-english", exercise = exercise.id.as_str(), missing = missing));
        path = path_in(Language::En);
    }
    let markdown = std::fs::read_to_string(&path).map_err(|e| {
        let (path, error) = (path.display().to_string(), e.to_string());
        SetupError::Missing(fl!(
            context.messages,
            "lesson-missing",
            exercise = exercise.id.as_str(),
            path = path,
            error = error
        ))
    })?;
    if !std::io::stdout().is_terminal() {
        print_or_quit(&markdown);
        return Ok(exit_code::PASS);
    }
    let rendered = termimad::MadSkin::default().term_text(&markdown).to_string();
    let screen_lines = termimad::terminal_size().1 as usize;
    if rendered.lines().count() < screen_lines || !page(&rendered) {
        print_or_quit(&rendered);
    }
    Ok(exit_code::PASS)
}

/// Prints `text`; a reader that went away (`checker lesson ex04 | head`) ends the output quietly.
fn print_or_quit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// Shows `text` in the user's pager (`$PAGER`, else `less -R`, which keeps the colours); false
/// if no pager could be started.
fn page(text: &str) -> bool {
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "less -R".to_owned());
    let mut words = pager.split_whitespace();
    let Some(program) = words.next() else { return false };
    let Ok(mut child) = Command::new(program).args(words).stdin(Stdio::piped()).spawn() else { return false };
    if let Some(mut stdin) = child.stdin.take() {
        // The user may quit the pager before reading everything: a broken pipe is no error.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    true
}

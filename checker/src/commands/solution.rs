//! `checker solution EX`: once an exercise is done (full marks in `submit`), the course's
//! reference solution beside the student's code, file by file, as a unified diff (`-` lines
//! are the student's, `+` lines the reference's). Refused, with the reason, before full marks,
//! in a copy of the course without `solutions/` (the handout), and where the instructor set
//! `show_solutions = false` in course.toml.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::mutation;
use crate::progress::{Progress, Status};
use i18n_embed_fl::fl;

pub fn run(context: &Context, query: &str) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let m = context.messages;
    let id = exercise.id.as_str();
    let solution = context.layout.solution_dir(exercise);
    if !context.course.show_solutions {
        return Err(SetupError::Refused(fl!(m, "solution-turned-off")));
    }
    if !solution.join("src").is_dir() {
        return Err(SetupError::Refused(fl!(m, "solution-none", exercise = id)));
    }
    let progress = Progress::load(&context.layout.progress_file())?;
    if progress.status(id) != Status::Done {
        return Err(SetupError::Refused(fl!(m, "solution-not-yet", exercise = id)));
    }
    let reference = mutation::sources(&solution)?;
    // The student's files were read by the build that gave full marks; one that can no longer
    // be read is shown as empty, never as a reason to withhold the reference.
    let yours = mutation::sources(&context.layout.exercise_dir(exercise)).unwrap_or_default();
    println!("{}\n", fl!(m, "solution-heading", exercise = id));
    for (name, reference_text) in &reference {
        let your_text = yours.get(name).map(String::as_str).unwrap_or_default();
        if reference_text == your_text {
            println!("{}\n", fl!(m, "solution-same", file = name.as_str()));
            continue;
        }
        let diff = similar::TextDiff::from_lines(your_text, reference_text);
        let unified = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("yours/{name}"), &format!("reference/{name}"))
            .to_string();
        for line in unified.lines() {
            println!("{}", paint(context.colour, line));
        }
        println!();
    }
    for name in yours.keys().filter(|name| !reference.contains_key(*name)) {
        println!("{}", fl!(m, "solution-only-yours", file = name.as_str()));
    }
    Ok(exit_code::PASS)
}

/// A diff line in the terminal's colours: red for the student's, green for the reference's.
fn paint(colour: bool, line: &str) -> String {
    let code = match line.as_bytes().first() {
        _ if !colour || line.starts_with("---") || line.starts_with("+++") => return line.to_owned(),
        Some(b'-') => "31",
        Some(b'+') => "32",
        Some(b'@') => "36",
        _ => return line.to_owned(),
    };
    format!("\x1b[{code}m{line}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::paint;

    #[test]
    fn only_changed_lines_are_coloured() {
        assert_eq!(paint(true, "-mine"), "\x1b[31m-mine\x1b[0m");
        assert_eq!(paint(true, "+theirs"), "\x1b[32m+theirs\x1b[0m");
        assert_eq!(paint(true, "--- yours/src/lib.rs"), "--- yours/src/lib.rs");
        assert_eq!(paint(true, " same"), " same");
        assert_eq!(paint(false, "-mine"), "-mine");
    }
}

//! `checker list`: every exercise with its title and status.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::progress::Progress;

pub fn run(context: &Context) -> Result<u8, SetupError> {
    let progress = Progress::load(&context.layout.progress_file())?;
    println!("{:<22} {:<8} {:<42} status", "exercise", "lecture", "title");
    for exercise in &context.course.exercises {
        println!(
            "{:<22} {:<8} {:<42} {}",
            exercise.id,
            exercise.section,
            exercise.title,
            progress.status(&exercise.id).label()
        );
    }
    Ok(exit_code::PASS)
}

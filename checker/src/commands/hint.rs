//! `checker hint EX`: the next hint not yet shown, from a nudge to nearly the answer.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::progress::Progress;

pub fn run(context: &Context, query: &str, all: bool) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let total = exercise.hints.len();
    if total == 0 {
        println!("{} has no hints.", exercise.id);
        return Ok(exit_code::PASS);
    }
    let mut progress = Progress::load(&context.layout.progress_file())?;
    let shown = progress.get(&exercise.id).hints_shown;
    if all {
        for (index, hint) in exercise.hints.iter().enumerate() {
            println!("hint {}/{total}: {hint}\n", index + 1);
        }
        progress.entry(&exercise.id).hints_shown = total;
    } else if shown >= total {
        println!("hint {total}/{total}: {}", exercise.hints[total - 1]);
        println!("\nThat was the last hint for {}. `checker hint {} --all` shows them all.", exercise.id, exercise.id);
    } else {
        println!("hint {}/{total}: {}", shown + 1, exercise.hints[shown]);
        if shown + 1 < total {
            println!("\nRun `checker hint {}` again for a stronger hint.", exercise.id);
        } else {
            println!("\nThat was the last hint for {}.", exercise.id);
        }
        progress.entry(&exercise.id).hints_shown = shown + 1;
    }
    progress.save()?;
    Ok(exit_code::PASS)
}

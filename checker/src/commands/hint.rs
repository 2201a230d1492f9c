//! `checker hint EX`: the next hint not yet shown, from a nudge to nearly the answer.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::progress::Progress;
use i18n_embed_fl::fl;

pub fn run(context: &Context, query: &str, all: bool) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let messages = context.messages;
    let id = exercise.id.as_str();
    let total = exercise.hints.len();
    let hint = |number: usize| {
        fl!(messages, "hint", number = number, total = total, hint = exercise.hints[number - 1].as_str())
    };
    if total == 0 {
        println!("{}", fl!(messages, "hint-none", exercise = id));
        return Ok(exit_code::PASS);
    }
    let mut progress = Progress::load(&context.layout.progress_file())?;
    let shown = progress.get(&exercise.id).hints_shown;
    if all {
        for number in 1..=total {
            println!("{}\n", hint(number));
        }
        progress.entry(&exercise.id).hints_shown = total;
    } else if shown >= total {
        println!("{}", hint(total));
        println!("\n{}", fl!(messages, "hint-last-again", exercise = id));
    } else {
        println!("{}", hint(shown + 1));
        if shown + 1 < total {
            println!("\n{}", fl!(messages, "hint-again", exercise = id));
        } else {
            println!("\n{}", fl!(messages, "hint-last", exercise = id));
        }
        progress.entry(&exercise.id).hints_shown = shown + 1;
    }
    println!("{}", fl!(messages, "lesson-where", exercise = id));
    progress.save()?;
    Ok(exit_code::PASS)
}

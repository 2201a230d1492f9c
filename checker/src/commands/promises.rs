//! `checker promises`: prints every promise of the chosen exercises with the checks that observe
//! it, why it cannot be observed, or what is not checked yet.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::manifest::Exercise;
use crate::promises::{render, TableFormat};

pub fn run(context: &Context, queries: &[String], format: TableFormat) -> Result<u8, SetupError> {
    let exercises: Vec<&Exercise> = if queries.is_empty() {
        context.course.exercises.iter().collect()
    } else {
        queries.iter().map(|q| context.exercise(q)).collect::<Result<_, _>>()?
    };
    print!("{}", render(&exercises, format));
    Ok(exit_code::PASS)
}

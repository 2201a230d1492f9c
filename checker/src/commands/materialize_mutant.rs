//! `checker materialize-mutant DIR --into OUT` (hidden, for the course's own scripts): writes
//! the sources of the mutant in DIR — its exercise's current reference solution with the
//! mutant's edits — into OUT/src, ready for `checker submit EX --from OUT`.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::mutant::Mutant;
use std::path::Path;

pub fn run(context: &Context, mutant_dir: &Path, into: &Path) -> Result<u8, SetupError> {
    let mutant = Mutant::load(mutant_dir)?;
    let exercise = context.exercise(&mutant.exercise)?;
    mutant.materialize(&context.layout.solution_dir(exercise), into)?;
    println!("{}", into.display());
    Ok(exit_code::PASS)
}

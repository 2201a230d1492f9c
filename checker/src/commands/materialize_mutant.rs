//! `checker materialize-mutant DIR --into OUT` (hidden, for the course's own scripts): writes
//! the sources of the mutant in DIR — its exercise's current reference solution with the
//! mutant's edits — into OUT/src, ready for `checker submit EX --from OUT`. A folder holding an
//! `alternative.toml` (a correct design of another kind) is written the same way.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::mutant::{Alternative, Mutant, ALTERNATIVE_FILE_NAME};
use std::path::Path;

pub fn run(context: &Context, dir: &Path, into: &Path) -> Result<u8, SetupError> {
    if dir.join(ALTERNATIVE_FILE_NAME).is_file() {
        let alternative = Alternative::load(dir)?;
        let exercise = context.exercise(&alternative.exercise)?;
        alternative.materialize(&context.layout.solution_dir(exercise), into)?;
    } else {
        let mutant = Mutant::load(dir)?;
        let exercise = context.exercise(&mutant.exercise)?;
        mutant.materialize(&context.layout.solution_dir(exercise), into)?;
    }
    println!("{}", into.display());
    Ok(exit_code::PASS)
}

//! The mutant harness: every hidden check catches a plausible wrong solution.
//!
//! The trials are generated from the folders of `tests/mutants/<exercise>/<mutant>/` (see
//! `checker::mutant`): one trial per mutant, named `<exercise>::<mutant>`, which writes the
//! mutated solution into a temporary folder, submits it with the real `checker` binary and
//! compares the report with the mutant's `[expect]`. A new mutant, or a new exercise, needs no
//! new test function. Two more trials read the mutants without grading anything: every mutant
//! still applies to the current solution, and every hidden check is the first catch of a mutant.
//! The correct alternatives of `tests/alternatives/<exercise>/<name>/` (other designs than the
//! reference solution) are trials too, `alternative::<exercise>::<name>`: every check must pass.
//!
//! The trials run one at a time unless `--test-threads` says otherwise, so timing checks never
//! compete with another mutant's build for the CPU. The listing (`--list`) is the one cargo
//! nextest reads (libtest-mimic).

mod coverage;
mod judge;
// Shared with the `cli` tests: the repository's paths, the shared target folder, running the
// checker. This harness uses only part of it.
#[allow(dead_code)]
#[path = "../cli/util.rs"]
mod util;

use checker::mutant::{Alternative, Mutant};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let mut arguments = Arguments::from_args();
    arguments.test_threads.get_or_insert(1);
    let mutants = match Mutant::load_all(&judge::mutants_folder()) {
        Ok(mutants) => mutants,
        Err(error) => {
            // A malformed mutant.toml stops the whole harness: no trial could be trusted to be
            // the full list.
            eprintln!("error: {error}");
            std::process::exit(101);
        }
    };
    let mut trials = vec![
        Trial::test("every_mutant_applies_to_the_current_solution", {
            let mutants = mutants.clone();
            move || judge::all_apply(&mutants)
        }),
        Trial::test("every_hidden_check_has_a_mutant_it_catches", {
            let mutants = mutants.clone();
            move || coverage::every_hidden_check_is_caught_first(&mutants)
        }),
    ];
    let alternatives = match Alternative::load_all(&judge::alternatives_folder()) {
        Ok(alternatives) => alternatives,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(101);
        }
    };
    let one_at_a_time = arguments.test_threads == Some(1);
    trials.extend(alternatives.into_iter().map(|alternative| {
        Trial::test(format!("alternative::{}::{}", alternative.exercise, alternative.name), move || {
            judge::passes_every_check(&alternative, one_at_a_time)
        })
    }));
    trials.extend(mutants.into_iter().map(|mutant| {
        Trial::test(format!("{}::{}", mutant.exercise, mutant.name), move || -> Result<(), Failed> {
            judge::fails_as_expected(&mutant, one_at_a_time)
        })
    }));
    libtest_mimic::run(&arguments, trials).exit();
}

//! The course checker. The data flows one way:
//!
//! `manifest` (course.toml) → `runner` (the plan for one exercise and mode) → `workcopy` (the
//! checker-owned copy of the submission) → `compile` (cargo) → `sandbox` (every run of student
//! code, supervised) → `events` → `reporter` (console, JSON report). What a student reads about
//! each check is one [`explanation`], whichever report shows it.
//!
//! - [`cli`]: the command line; [`commands`]: one module per subcommand.
//! - [`layout`]: where the course, the pack and the checker's state live; [`lockfile`]: the
//!   versions a working copy builds with.
//! - [`lang`]: the language the checker speaks (`--lang`, `CHECKER_LANG`, the locale), and
//!   [`translation`]: the course's texts in that language.
//! - [`progress`]: the student's progress (statuses, hints shown); [`skeletons`]: the exercises
//!   as first seen, for `reset`; [`terminal`]: single key presses, for `watch`.
//! - [`error`]: setup errors and the exit codes.
//! - [`batch`]: grading a class (`grade`, `merge`), and [`formats`]: what other graders read.
//! - [`gate`]: how the parallel workers of a batch share the machine.
//! - [`mutant`]: the course's own wrong solutions, as edits of the reference solutions.
//! - [`promises`]: each exercise's promises and the checks that observe them (`verify`, `promises`).
//! - [`mutation`]: mutants of the reference solutions, to measure the hidden checks
//!   (`checker mutants`).
//! - [`similarity`]: code similarity across a class (`checker similarity`).

pub mod batch;
pub mod cli;
pub mod commands;
pub mod compile;
pub mod error;
pub mod events;
pub mod explanation;
pub mod formats;
pub mod gate;
pub mod help;
pub mod lang;
pub mod layout;
pub mod lockfile;
pub mod manifest;
pub mod messages;
pub mod mutant;
pub mod mutation;
pub mod progress;
pub mod promises;
pub mod reporter;
pub mod runner;
pub mod sandbox;
pub mod similarity;
pub mod skeletons;
pub mod terminal;
pub mod translation;
pub mod workcopy;

//! The checker's integration tests: they run the real `checker` binary (assert_cmd) against the
//! real course, its reference solutions and its skeletons. The mutants in `tests/mutants/` have
//! a harness of their own (`tests/mutants_harness/`).
//!
//! All of them build into one test binary. Tests that build or run student code hold
//! [`util::serial`], so timing checks never compete with another test's build for the CPU.

mod batch;
mod commands;
mod grading;
mod hostile;
mod language;
mod mutation;
mod platforms;
mod promises;
mod replay;
mod student;
mod util;

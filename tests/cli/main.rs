//! The checker's integration tests: they run the real `checker` binary (assert_cmd) against the
//! real course, its reference solutions, its skeletons and the mutants in `tests/mutants/`.
//!
//! All of them build into one test binary. Tests that build or run student code hold
//! [`util::serial`], so timing checks never compete with another test's build for the CPU.

mod batch;
mod commands;
mod grading;
mod hostile;
mod mutants;
mod mutation;
mod replay;
mod util;

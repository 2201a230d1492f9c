//! Mutation testing of the hidden checks: wrong versions of the reference solutions (mutants),
//! each graded like a student's submission, to see which mistakes the checks catch.
//!
//! - [`operators`]: the checker's own concurrency mutation operators (parsed with syn).
pub mod operators;

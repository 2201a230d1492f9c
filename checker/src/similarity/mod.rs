//! Code similarity across a class (`checker similarity`): per exercise, the pairs of
//! submissions ranked by how alike their code is once identifiers and literals are abstracted
//! and the skeleton's own code is left out, with winnowed fingerprints as MOSS, JPlag and Dolos
//! use them. It flags pairs to read side by side; it never accuses anyone.
//!
//! - [`tokens`]: a Rust source as normalised tokens (proc-macro2's lexer).
//! - [`winnow`]: the fingerprints of a token sequence.
//! - [`compare`]: fingerprints per submission, the skeleton's removed, and the ranked pairs.
//! - [`page`]: `similarity.html`, the side-by-side view of each flagged pair.

pub mod compare;
pub mod page;
pub mod tokens;
pub mod winnow;

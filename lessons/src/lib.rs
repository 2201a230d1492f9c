//! The course's lessons (`lessons/en/*.md`, `lessons/ru/*.md`) and their runnable examples
//! (`lessons/examples/*.rs`, `cargo run -p lessons --example NAME`). The library itself is
//! empty: the examples are the point.

//! Reporters turn the runner's events into something a person or a program reads.

mod build_progress;
mod console;
mod json;
pub mod style;

pub use console::Console;
pub use json::{JsonReport, SCHEMA_VERSION};

use crate::events::Event;

/// Something that consumes every event of a run, in order.
pub trait Reporter {
    fn handle(&mut self, event: &Event) -> std::io::Result<()>;
}

//! The checker's own mutation operators: each finds, in a parsed source file, the places where a
//! typical concurrency mistake can be made, and says how to make it as a text edit. The text
//! around an edit is left as written, so a mutant's diff shows one mistake and nothing else.
//!
//! The operators are grouped by topic: [`sync`] (locks, condition variables, atomics, wakers)
//! and [`io`] (sockets, timeouts, joining, sleeping). [`walk`] holds what they share.

pub mod io;
pub mod sync;
mod walk;

use std::ops::Range;

/// One mutation of one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The operator's name (also the start of the mutant's id).
    pub operator: &'static str,
    /// The bytes replaced (empty for an insertion).
    pub range: Range<usize>,
    pub replacement: String,
    /// The mistake, in a few words, as the report lists it.
    pub description: String,
}

impl Edit {
    /// The source with this edit made.
    pub fn apply(&self, source: &str) -> String {
        let mut text = String::with_capacity(source.len() + self.replacement.len());
        text.push_str(&source[..self.range.start]);
        text.push_str(&self.replacement);
        text.push_str(&source[self.range.end..]);
        text
    }
}

/// An operator: the edits it finds in a file (parsed from `source`).
pub type Operator = fn(&syn::File, &str) -> Vec<Edit>;

/// Every operator, by name.
pub const OPERATORS: &[(&str, Operator)] = &[
    ("notify_one", sync::notify_all_to_one),
    ("while_to_if", sync::while_wait_to_if),
    ("wait_once", sync::wait_while_once),
    ("guard_dropped", sync::guard_dropped_before_use),
    ("locks_swapped", sync::lock_order_swapped),
    ("section_split", sync::critical_section_split),
    ("relaxed", sync::ordering_relaxed),
    ("waker_once", sync::waker_stored_once),
    ("write", io::write_all_to_write),
    ("read", io::read_exact_to_read),
    ("timeout_removed", io::timeout_removed),
    ("blocking_sleep", io::async_sleep_blocks),
    ("join_removed", io::join_removed),
];

/// Every edit of every operator for one source file, in the order of the file; edits whose
/// result would not parse are left out. A file that does not parse, or starts with a byte-order
/// mark or a `#!` line (syn's spans would not be offsets into the text), has none.
pub fn mutations(source: &str) -> Vec<Edit> {
    if source.starts_with('\u{feff}') || source.starts_with("#!") {
        return Vec::new();
    }
    let Ok(file) = syn::parse_file(source) else { return Vec::new() };
    let mut edits: Vec<Edit> = OPERATORS.iter().flat_map(|(_, operator)| operator(&file, source)).collect();
    edits.retain(|edit| syn::parse_file(&edit.apply(source)).is_ok());
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end, edit.operator));
    edits
}

#[cfg(test)]
pub(crate) mod testing {
    use super::{Edit, Operator};

    /// Runs `operator` on `source`; checks that each result parses; returns the mutated texts.
    pub fn mutate(operator: Operator, source: &str) -> Vec<String> {
        let file = syn::parse_file(source).expect("the snippet parses");
        operator(&file, source)
            .iter()
            .map(|edit: &Edit| {
                let text = edit.apply(source);
                assert!(syn::parse_file(&text).is_ok(), "{} produced code that does not parse:\n{text}", edit.operator);
                text
            })
            .collect()
    }

    /// Whitespace-insensitive comparison: the operators keep the layout, the tests compare code.
    pub fn squash(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_per_file_even_after_other_files_were_parsed() {
        // proc-macro2 numbers the spans of every file parsed by a thread in one sequence; the
        // operators need offsets into each file.
        let first = "fn a() { cv.notify_all(); }";
        let second = "fn b() {\n    x.notify_all();\n}\n";
        assert_eq!(mutations(first).len(), 1);
        let edits = mutations(second);
        assert_eq!(edits.len(), 1);
        assert_eq!(&second[edits[0].range.clone()], "notify_all");
    }

    #[test]
    fn test_code_is_not_mutated() {
        let source = "#[cfg(test)] mod tests { fn t() { cv.notify_all(); } }\n#[test] fn u() { cv.notify_all(); }";
        assert!(mutations(source).is_empty());
    }

    #[test]
    fn unparsable_files_have_no_mutations() {
        assert!(mutations("fn (").is_empty());
    }
}

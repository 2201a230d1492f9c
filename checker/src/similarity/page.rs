//! `similarity.html`: per exercise, the pairs of submissions whose code is most alike, each with
//! a side-by-side view of the two, the matching lines marked. One static file like the class
//! report (`index.html`, to which it links), under the same rules: everything a submission
//! holds is escaped by maud's templates, and the page forbids itself scripts and outside
//! resources. It says plainly that it flags and does not accuse.

use super::compare::{Exercise, File, Pair};
use crate::formats::html::{POLICY, STYLE};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::collections::BTreeSet;

/// Pairs shown per exercise: the ones worth reading first.
pub const SHOWN: usize = 20;

pub const CAVEAT: &str = "This page flags pairs of submissions whose code is alike once names and literals are \
abstracted and the skeleton's code is left out. It flags; it does not accuse. Alike code has innocent causes: the \
lessons' examples, a common idiom, an exercise with one natural solution, students who worked together as allowed. \
Read the two side by side, and talk with the students, before concluding anything.";

const SIDE_BY_SIDE: &str = "
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0.5rem; }
.sides pre { font-size: 0.8rem; max-height: 40rem; overflow: auto; white-space: pre; }
mark { background: #ffe08a; }
.n { color: #999; user-select: none; }
";

pub fn render(title: &str, exercises: &[Exercise]) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(POLICY);
                title { (title) ": code similarity" }
                style { (PreEscaped(STYLE)) (PreEscaped(SIDE_BY_SIDE)) }
            }
            body {
                h1 { (title) ": code similarity" }
                p { strong { (CAVEAT) } }
                p { a href="index.html" { "The class report" } }
                @for exercise in exercises { (section(exercise)) }
            }
        }
    }
    .into_string()
}

fn section(exercise: &Exercise) -> Markup {
    html! {
        section id=(format!("similarity-{}", exercise.id)) {
            h2 { (exercise.id) ": " (exercise.title) }
            @if exercise.pairs.is_empty() {
                p { "No two submissions share code beyond the skeleton's." }
            } @else {
                table {
                    thead { tr { th { "rank" } th { "submissions" } th { "similarity" } th { "shared fingerprints" } } }
                    tbody {
                        @for (rank, pair) in exercise.pairs.iter().take(SHOWN).enumerate() {
                            tr {
                                td.score { (rank + 1) }
                                td { a href=(format!("#{}-{}", exercise.id, rank + 1)) {
                                    (exercise.students[pair.a]) " ~ " (exercise.students[pair.b]) } }
                                td.score { (format!("{:.0} %", 100.0 * pair.similarity)) }
                                td.score { (pair.shared) }
                            }
                        }
                    }
                }
                @for (rank, pair) in exercise.pairs.iter().take(SHOWN).enumerate() {
                    (side_by_side(exercise, rank + 1, pair))
                }
            }
            @if !exercise.skipped.is_empty() {
                p { "Not compared: "
                    @for (i, (student, why)) in exercise.skipped.iter().enumerate() {
                        @if i > 0 { "; " } (student) " (" (why) ")"
                    }
                }
            }
        }
    }
}

fn side_by_side(exercise: &Exercise, rank: usize, pair: &Pair) -> Markup {
    html! {
        details id=(format!("{}-{rank}", exercise.id)) open[rank == 1] {
            summary {
                (rank) ". " (exercise.students[pair.a]) " ~ " (exercise.students[pair.b]) ": "
                (format!("{:.0} %", 100.0 * pair.similarity)) " (matching lines marked)"
            }
            div.sides {
                (listing(&exercise.students[pair.a], &exercise.sources[pair.a], &pair.lines_a))
                (listing(&exercise.students[pair.b], &exercise.sources[pair.b], &pair.lines_b))
            }
        }
    }
}

/// A submission's files, each line numbered, the lines in `marked` (file index, line) marked.
fn listing(student: &str, files: &[File], marked: &BTreeSet<(usize, usize)>) -> Markup {
    html! {
        div {
            h4 { (student) }
            @for (index, file) in files.iter().enumerate() {
                pre {
                    strong { (file.path) } "\n"
                    @for (n, line) in file.text.lines().enumerate() {
                        span.n { (format!("{:>4} ", n + 1)) }
                        @if marked.contains(&(index, n + 1)) { mark { (line) } } @else { (line) }
                        "\n"
                    }
                }
            }
        }
    }
}

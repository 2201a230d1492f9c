//! From sources to ranked pairs. A submission's fingerprints ([`super::winnow`]) over each of
//! its files, without any run of tokens that also occurs in the skeleton (the code every student
//! was given is no sign of anything); a pair's similarity is the share of their fingerprints the
//! two have in common (2·shared / (|A| + |B|), over distinct fingerprints), and the lines those
//! fingerprints cover on each side are the matching regions.

use super::tokens::{self, Token};
use super::winnow::{self, K};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// One file of a submission, as read.
#[derive(Debug, Clone)]
pub struct File {
    pub path: String,
    pub text: String,
}

/// A submission's fingerprints and where each one is.
#[derive(Debug, Clone, Default)]
pub struct Prints {
    /// hash → the (file index, first line, last line) of the runs it stands for.
    places: BTreeMap<u64, Vec<(usize, usize, usize)>>,
}

impl Prints {
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// Every run of tokens of the skeleton's files: what the students were given.
pub fn given(files: &[File]) -> Result<HashSet<u64>, String> {
    let mut runs = HashSet::new();
    for file in files {
        let tokens = tokens::tokens(&file.text).map_err(|why| format!("{}: {why}", file.path))?;
        runs.extend(winnow::runs(&kinds(&tokens)));
    }
    Ok(runs)
}

/// The fingerprints of a submission's files, without those of runs in `given`; or why a file
/// cannot be read as Rust tokens.
pub fn prints(files: &[File], given: &HashSet<u64>) -> Result<Prints, String> {
    let mut prints = Prints::default();
    for (index, file) in files.iter().enumerate() {
        let tokens = tokens::tokens(&file.text).map_err(|why| format!("{}: {why}", file.path))?;
        for (hash, at) in winnow::winnow(&winnow::runs(&kinds(&tokens))) {
            if !given.contains(&hash) {
                prints.places.entry(hash).or_default().push((index, tokens[at].line, tokens[at + K - 1].line));
            }
        }
    }
    Ok(prints)
}

fn kinds(tokens: &[Token]) -> Vec<tokens::Kind> {
    tokens.iter().map(|t| t.kind).collect()
}

/// Two submissions compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// Indices of the two submissions, the first one first in name order.
    pub a: usize,
    pub b: usize,
    /// In 0..=1.
    pub similarity: f64,
    /// Fingerprints both have.
    pub shared: usize,
    /// The lines of each side that shared fingerprints cover: (file index, line).
    #[serde(skip)]
    pub lines_a: BTreeSet<(usize, usize)>,
    #[serde(skip)]
    pub lines_b: BTreeSet<(usize, usize)>,
}

/// One exercise compared across the class: the students whose sources could be read, in name
/// order, with their files; the ranked pairs (indices into `students`); and who was left out.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub students: Vec<String>,
    pub sources: Vec<Vec<File>>,
    pub pairs: Vec<Pair>,
    /// (student, why): no folder for the exercise, or sources that are not Rust tokens.
    pub skipped: Vec<(String, String)>,
}

/// Compares the `submissions` (student, files) of one exercise, the skeleton's runs `given`.
pub fn exercise(id: &str, title: &str, submissions: Vec<(String, Vec<File>)>, given: &HashSet<u64>) -> Exercise {
    let mut report = Exercise {
        id: id.into(),
        title: title.into(),
        students: Vec::new(),
        sources: Vec::new(),
        pairs: Vec::new(),
        skipped: Vec::new(),
    };
    let mut all = Vec::new();
    for (student, files) in submissions {
        match prints(&files, given) {
            Ok(found) => {
                report.students.push(student);
                report.sources.push(files);
                all.push(found);
            }
            Err(why) => report.skipped.push((student, why)),
        }
    }
    report.pairs = rank(&all);
    report
}

/// Every pair of `prints` with a fingerprint in common, the most similar first (then by the
/// submissions' order, so the ranking is the same on every run).
pub fn rank(prints: &[Prints]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for a in 0..prints.len() {
        for b in a + 1..prints.len() {
            let (one, two) = (&prints[a], &prints[b]);
            let shared: Vec<&u64> = one.places.keys().filter(|hash| two.places.contains_key(hash)).collect();
            if shared.is_empty() {
                continue;
            }
            let lines = |side: &Prints| -> BTreeSet<(usize, usize)> {
                shared
                    .iter()
                    .flat_map(|hash| &side.places[*hash])
                    .flat_map(|(file, first, last)| (*first..=*last).map(move |line| (*file, line)))
                    .collect()
            };
            pairs.push(Pair {
                a,
                b,
                similarity: 2.0 * shared.len() as f64 / (one.len() + two.len()) as f64,
                shared: shared.len(),
                lines_a: lines(one),
                lines_b: lines(two),
            });
        }
    }
    pairs.sort_by(|x, y| y.similarity.total_cmp(&x.similarity).then((x.a, x.b).cmp(&(y.a, y.b))));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Vec<File> {
        vec![File { path: "src/lib.rs".into(), text: text.into() }]
    }

    const SKELETON: &str = "pub struct Pool { workers: Vec<Worker> }\nimpl Pool {\n    pub fn new(size: usize) -> Pool {\n        todo!()\n    }\n}\n";

    const MINE: &str = "pub struct Pool { workers: Vec<Worker> }\nimpl Pool {\n    pub fn new(size: usize) -> Pool {\n        let mut workers = Vec::with_capacity(size);\n        for id in 0..size {\n            workers.push(Worker::new(id, receiver.clone()));\n        }\n        Pool { workers }\n    }\n}\n";

    #[test]
    fn the_skeletons_code_is_no_match_and_a_renamed_copy_is() {
        let given = given(&file(SKELETON)).unwrap();
        let copy = MINE.replace("workers", "staff").replace("size", "n").replace("id", "k");
        let all = [
            prints(&file(SKELETON), &given).unwrap(),
            prints(&file(SKELETON), &given).unwrap(),
            prints(&file(MINE), &given).unwrap(),
            prints(&file(&copy), &given).unwrap(),
        ];
        assert!(all[0].is_empty(), "the skeleton's own fingerprints are left out");
        let pairs = rank(&all);
        assert_eq!(pairs.len(), 1, "only the copy shares anything: {pairs:?}");
        assert_eq!((pairs[0].a, pairs[0].b, pairs[0].similarity), (2, 3, 1.0));
        // The new lines match (4 to 8), the skeleton's do not.
        let lines: Vec<usize> = pairs[0].lines_a.iter().map(|(_, line)| *line).collect();
        assert!(lines.contains(&5) && !lines.contains(&1), "{lines:?}");
    }
}

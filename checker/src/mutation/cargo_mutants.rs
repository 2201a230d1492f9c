//! cargo-mutants' mutants of a reference solution: its listing (`cargo mutants --list --json`,
//! which carries each mutant's diff), with each diff applied to a copy of the solution. Its own
//! test runner is not used: it cannot run the hidden checks, the checker grades the mutants.

use super::{Mutant, Origin};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// What to run when cargo-mutants is missing.
pub const INSTALL: &str = "cargo install --locked cargo-mutants";

/// One entry of the listing (the fields the checker reads).
#[derive(Debug, Deserialize)]
struct Listed {
    name: String,
    file: String,
    span: Span,
    genre: String,
    diff: String,
}

#[derive(Debug, Deserialize)]
struct Span {
    start: LineColumn,
}

#[derive(Debug, Deserialize)]
struct LineColumn {
    line: usize,
}

/// Whether `cargo mutants` runs on this machine.
pub fn installed() -> bool {
    Command::new("cargo").args(["mutants", "--version"]).output().is_ok_and(|output| output.status.success())
}

/// cargo-mutants' mutants of the package `package` of the solutions' workspace, each applied to
/// the solution's sources (`files`, by path relative to the package folder). A mutant whose
/// diff does not apply is left out with a note; a listing that fails is an error message.
pub fn mutants(
    workspace: &Path,
    package: &str,
    files: &BTreeMap<String, String>,
) -> Result<(Vec<Mutant>, Vec<String>), String> {
    let output = Command::new("cargo")
        .args(["mutants", "--list", "--json", "--no-config", "--package", package, "--dir"])
        .arg(workspace)
        .output()
        .map_err(|e| format!("cargo mutants could not be run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo mutants --list failed for {package}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let listed: Vec<Listed> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo mutants --list --json printed something else than a list of mutants: {e}"))?;
    Ok(from_listing(package, listed, files))
}

fn from_listing(package: &str, listed: Vec<Listed>, files: &BTreeMap<String, String>) -> (Vec<Mutant>, Vec<String>) {
    let mut mutants = Vec::new();
    let mut notes = Vec::new();
    for entry in listed {
        // Paths are relative to the workspace: `ex04_pool/src/lib.rs`.
        let file = entry.file.strip_prefix(&format!("{package}/")).unwrap_or(&entry.file).to_owned();
        let Some(original) = files.get(&file) else {
            notes.push(format!("{}: not a source file of the solution's src/; skipped", entry.file));
            continue;
        };
        let diff = without_header(&entry.diff);
        let mutated = match diffy::Patch::from_str(&diff)
            .map_err(|e| e.to_string())
            .and_then(|patch| diffy::apply(original, &patch).map_err(|e| e.to_string()))
        {
            Ok(mutated) => mutated,
            Err(why) => {
                notes.push(format!("{}: its diff does not apply to the solution ({why}); skipped", entry.name));
                continue;
            }
        };
        // The name is `file:line:column: what changed`.
        let description = entry.name.split_once(": ").map_or(entry.name.as_str(), |(_, what)| what).to_owned();
        mutants.push(Mutant {
            id: String::new(),
            origin: Origin::CargoMutants,
            operator: entry.genre,
            file,
            line: entry.span.start.line,
            description,
            mutated,
        });
    }
    (mutants, notes)
}

/// The diff with neutral file names: cargo-mutants puts the mutation's description in the `+++`
/// line, which may hold characters diffy does not accept in a file name (quotes).
fn without_header(diff: &str) -> String {
    let body = diff.lines().skip_while(|line| line.starts_with("--- ") || line.starts_with("+++ "));
    let mut text = String::from("--- original\n+++ mutated\n");
    for line in body {
        text.push_str(line);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_is_applied_to_the_solution() {
        let original = "pub fn ready() -> bool {\n    compute()\n}\n";
        let listing = serde_json::json!([{
            "name": "ex04_pool/src/lib.rs:2:5: replace ready -> bool with true",
            "package": "ex04_pool",
            "file": "ex04_pool/src/lib.rs",
            "function": null,
            "span": { "start": { "line": 2, "column": 5 }, "end": { "line": 2, "column": 14 } },
            "replacement": "true",
            "genre": "FnValue",
            "diff": "--- ex04_pool/src/lib.rs\n+++ replace ready -> bool with \"true\"\n@@ -1,3 +1,3 @@\n pub fn ready() -> bool {\n-    compute()\n+    true\n }\n"
        }, {
            "name": "ex04_pool/src/gone.rs:1:1: replace x with y",
            "package": "ex04_pool",
            "file": "ex04_pool/src/gone.rs",
            "span": { "start": { "line": 1, "column": 1 }, "end": { "line": 1, "column": 2 } },
            "genre": "FnValue",
            "diff": ""
        }]);
        let listed: Vec<Listed> = serde_json::from_value(listing).unwrap();
        let files = BTreeMap::from([("src/lib.rs".to_owned(), original.to_owned())]);
        let (mutants, notes) = from_listing("ex04_pool", listed, &files);
        assert_eq!(mutants.len(), 1);
        assert_eq!(mutants[0].mutated, "pub fn ready() -> bool {\n    true\n}\n");
        assert_eq!((mutants[0].file.as_str(), mutants[0].line), ("src/lib.rs", 2));
        assert_eq!(mutants[0].description, "replace ready -> bool with true");
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}

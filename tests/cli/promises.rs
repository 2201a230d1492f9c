//! The promises of the course: the static part of `verify` holds them to its rules, a broken
//! entry fails it, and README's table is the one `checker promises` prints.

use crate::util::{checker, repo, Course};
use predicates::prelude::*;

/// README's generated table sits between these two lines.
const BEGIN: &str = "<!-- promises:begin (generated: scripts/readme-promises.sh) -->\n";
const END: &str = "<!-- promises:end -->";

#[test]
fn the_static_part_of_verify_passes_on_the_course() {
    checker()
        .args(["verify", "--static"])
        .assert()
        .success()
        .stdout(predicate::str::contains("verify: the course is consistent"))
        .stdout(predicate::str::contains("skeleton:").not());
}

#[test]
fn verify_fails_on_a_check_that_observes_no_promise() {
    let course = Course::new();
    let manifest = course.path().join("course.toml");
    let text = std::fs::read_to_string(&manifest).expect("course.toml");
    // Renaming join_waits wherever a promise names it leaves that check observing nothing, and
    // makes those promises name a check the exercise does not have.
    let broken: String = text
        .lines()
        .map(|line| {
            if line.starts_with("observed_by") {
                line.replace("\"join_waits\"", "\"joins_quickly\"")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(broken.contains("joins_quickly"), "course.toml maps a promise of ex03 to join_waits");
    std::fs::write(&manifest, broken).expect("write course.toml");
    course
        .checker()
        .args(["verify", "--static", "ex03"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("ex03_spawn: check join_waits observes no promise"))
        .stdout(predicate::str::contains("is observed_by joins_quickly, which is neither a check of ex03_spawn"));
}

#[test]
fn promises_prints_one_exercise_as_text() {
    checker()
        .args(["promises", "ex04"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ex04_pool"))
        .stdout(predicate::str::contains("observed by: drop_joins_workers"))
        .stdout(predicate::str::contains("ex05_queue").not());
}

#[test]
fn readme_shows_the_table_the_command_prints() {
    let output = checker().args(["promises", "--format", "markdown"]).output().expect("checker promises");
    assert!(output.status.success(), "checker promises failed: {}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).expect("UTF-8");
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme.find(BEGIN).map(|i| i + BEGIN.len()).expect("README.md has the promises:begin marker");
    let end = readme[start..].find(END).map(|i| start + i).expect("README.md has the promises:end marker");
    let shown = readme[start..end].trim_matches('\n');
    assert!(
        shown == table.trim_matches('\n'),
        "README.md's section \"What the hidden checks observe\" differs from `checker promises --format markdown`.\n\
         Regenerate it with scripts/readme-promises.sh (it replaces the lines between the promises:begin\n\
         and promises:end markers with the command's output), then review and commit the change."
    );
}

/// `verify` holds the course's mutants to the reference solution and to the checks: a mutant
/// whose edit no longer fits the solution, and a check that no mutant is caught by first, are
/// problems of the course.
#[test]
fn verify_fails_on_a_stale_mutant_and_on_a_check_no_mutant_exercises() {
    let course = Course::new();
    crate::util::copy_tree(&repo().join("solutions/ex04_pool"), &course.path().join("solutions/ex04_pool"));
    let mutants = course.path().join("tests/mutants/ex04_pool");
    crate::util::copy_tree(&repo().join("tests/mutants/ex04_pool"), &mutants);
    // Every mutant caught first by drop_joins_workers goes; one of the others goes stale.
    let mut stale = None;
    for entry in std::fs::read_dir(&mutants).unwrap().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("mutant.toml")) else { continue };
        if text.contains("fails = [\"drop_joins_workers\"") {
            std::fs::remove_dir_all(entry.path()).unwrap();
        } else if stale.is_none() {
            let broken = text.replacen("find = '''", "find = '''\n// a line the solution never had", 1);
            assert_ne!(broken, text, "{} has a find/replace edit", entry.path().display());
            std::fs::write(entry.path().join("mutant.toml"), broken).unwrap();
            stale = Some(entry.file_name().to_string_lossy().into_owned());
        }
    }
    let stale = stale.expect("ex04 has mutants besides those of drop_joins_workers");
    course
        .checker()
        .args(["verify", "--static", "ex04"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("no mutant in")
                .and(predicate::str::contains("caught first by drop_joins_workers")),
        )
        .stdout(
            predicate::str::contains("a mutant does not fit the reference solution")
                .and(predicate::str::contains(stale)),
        );
}

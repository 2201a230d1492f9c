//! The commands that do not grade: list, hint, reset, and the errors a user can run into.

use crate::util::{checker, repo, Course};
use predicates::prelude::*;

#[test]
fn list_shows_every_exercise_not_started() {
    let course = Course::new();
    course
        .checker()
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("ex01_process"))
        .stdout(predicate::str::contains("ex04_pool"))
        .stdout(predicate::str::contains("Threads and a thread pool"))
        .stdout(predicate::str::contains("not started"));
}

#[test]
fn an_unknown_exercise_lists_the_valid_ones() {
    checker()
        .args(["hint", "ex99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no exercise \"ex99\""))
        .stderr(predicate::str::contains("ex01_process, ex02_fork"));
}

#[test]
fn an_exercise_is_found_by_number_short_id_or_full_id() {
    let course = Course::new();
    for query in ["4", "ex04", "ex04_pool"] {
        course.checker().args(["hint", query, "--all"]).assert().success().stdout(predicate::str::contains("hint 1/3"));
    }
}

#[test]
fn hints_come_one_at_a_time_and_progress_is_kept() {
    let course = Course::new();
    let hint = |n: &str| {
        course
            .checker()
            .args(["hint", "ex04"])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("hint {n}/3")))
    };
    hint("1");
    hint("2");
    hint("3");
    course
        .checker()
        .args(["hint", "ex04"])
        .assert()
        .success()
        .stdout(predicate::str::contains("hint 3/3"))
        .stdout(predicate::str::contains("That was the last hint"));
    // Another exercise's hints are counted separately.
    course.checker().args(["hint", "ex01"]).assert().success().stdout(predicate::str::contains("hint 1/3"));
}

#[test]
fn reset_restores_the_skeleton_and_backs_up_the_students_files() {
    let course = Course::new();
    let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
    let skeleton = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, "// my work in progress\n").unwrap();
    std::fs::write(course.path().join("exercises/ex04_pool/src/extra.rs"), "// an extra file\n").unwrap();

    // Without a terminal and without --yes, nothing happens.
    course.checker().args(["reset", "ex04"]).assert().code(2).stderr(predicate::str::contains("--yes"));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), "// my work in progress\n");

    course
        .checker()
        .args(["reset", "ex04", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("back to its skeleton"));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), skeleton);
    assert!(!course.path().join("exercises/ex04_pool/src/extra.rs").exists());
    let backups: Vec<_> = std::fs::read_dir(course.path().join(".checker/backups")).unwrap().flatten().collect();
    assert_eq!(backups.len(), 1);
    let saved = std::fs::read_to_string(backups[0].path().join("src/lib.rs")).unwrap();
    assert_eq!(saved, "// my work in progress\n");
}

#[test]
fn no_course_is_a_setup_error_that_says_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    checker()
        .current_dir(empty.path())
        .arg("list")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no course found"))
        .stderr(predicate::str::contains("--root"));
}

#[test]
fn a_corrupt_manifest_is_reported_with_its_path() {
    let course = Course::new();
    std::fs::write(course.path().join("course.toml"), "format = 1\ntitle = \n").unwrap();
    course.checker().arg("list").assert().code(3).stderr(predicate::str::contains("course.toml is not valid"));
    std::fs::write(course.path().join("course.toml"), "format = 7\ntitle = \"t\"\n").unwrap();
    course
        .checker()
        .arg("list")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("has format 7, but this checker reads format 1"));
}

#[test]
fn a_corrupt_progress_file_is_kept_and_explained() {
    let course = Course::new();
    std::fs::create_dir_all(course.path().join(".checker")).unwrap();
    std::fs::write(course.path().join(".checker/progress.json"), "{ not json").unwrap();
    course
        .checker()
        .args(["hint", "ex01"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("progress file"))
        .stderr(predicate::str::contains("corrupt"));
    assert_eq!(std::fs::read_to_string(course.path().join(".checker/progress.json")).unwrap(), "{ not json");
}

/// `materialize-mutant`, the scripts' way to a mutant's sources: the current solution with the
/// mutant's edits; sources already there are not overwritten, and an edit that no longer fits
/// the solution stops it, naming the mutant, the file and the text.
#[test]
fn materialize_mutant_writes_the_solution_with_the_mutants_edits() {
    let mutant_dir = repo().join("tests/mutants/ex04_pool/one_worker");
    let mutant = checker::mutant::Mutant::load(&mutant_dir).unwrap();
    let out = tempfile::tempdir().unwrap();
    let into = out.path().join("one_worker");
    checker().args(["materialize-mutant"]).arg(&mutant_dir).arg("--into").arg(&into).assert().success();
    let solution = std::fs::read_to_string(repo().join("solutions/ex04_pool/src/lib.rs")).unwrap();
    let mutated = std::fs::read_to_string(into.join("src/lib.rs")).unwrap();
    let mut expected = solution.clone();
    for edit in &mutant.edits {
        let checker::mutant::Change::Replace { find, replace } = &edit.change else { panic!("{edit:?}") };
        assert!(solution.contains(find.as_str()), "{find}");
        expected = expected.replacen(find.as_str(), replace, 1);
    }
    assert_ne!(mutated, solution);
    assert_eq!(mutated, expected);

    checker()
        .args(["materialize-mutant"])
        .arg(&mutant_dir)
        .arg("--into")
        .arg(&into)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("already exists"));

    let stale = out.path().join("ex04_pool/stale");
    std::fs::create_dir_all(&stale).unwrap();
    let toml = std::fs::read_to_string(mutant_dir.join("mutant.toml")).unwrap();
    let toml = toml.split("[[edit]]").next().unwrap().to_owned()
        + "[[edit]]\nfile = \"src/lib.rs\"\nfind = \"a line the solution never had\"\nreplace = \"// MUTANT: x\"\n";
    std::fs::write(stale.join("mutant.toml"), toml).unwrap();
    checker()
        .args(["materialize-mutant"])
        .arg(&stale)
        .arg("--into")
        .arg(out.path().join("stale-out"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("mutant ex04_pool/stale: edit 1 (src/lib.rs)"))
        .stderr(predicate::str::contains("no longer in the solution"))
        .stderr(predicate::str::contains("a line the solution never had"));

    // A correct alternative design is written the same way, with its whole files.
    let alternative_dir = repo().join("tests/alternatives/ex08_gil/fifo_tickets");
    let into = out.path().join("fifo_tickets");
    checker().args(["materialize-mutant"]).arg(&alternative_dir).arg("--into").arg(&into).assert().success();
    assert_eq!(
        std::fs::read_to_string(into.join("src/lib.rs")).unwrap(),
        std::fs::read_to_string(alternative_dir.join("lib.rs")).unwrap()
    );
}

/// The lesson in the language asked for (`--lang`, then `CHECKER_LANG`, then the locale), as
/// plain Markdown when the output is not a terminal; English, said so, when a language lacks it.
#[test]
fn a_lesson_is_shown_in_the_chosen_language_with_english_as_the_fallback() {
    let course = Course::new();
    let lessons = course.path().join("lessons");
    std::fs::create_dir_all(lessons.join("en")).unwrap();
    std::fs::create_dir_all(lessons.join("ru")).unwrap();
    std::fs::write(lessons.join("en/ex04_pool.md"), "# Thread pools\n\nA pool keeps its threads.\n").unwrap();
    std::fs::write(lessons.join("ru/ex04_pool.md"), "# Пулы потоков\n\nПул хранит свои потоки.\n").unwrap();
    std::fs::write(lessons.join("en/ex05_queue.md"), "# Queues\n").unwrap();
    let lesson = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = course.checker();
        command.env_remove("CHECKER_LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
        command.arg("lesson").args(args).envs(env.iter().copied());
        command.assert().success()
    };
    lesson(&["4"], &[]).stdout("# Thread pools\n\nA pool keeps its threads.\n");
    lesson(&["ex04", "--lang", "ru"], &[]).stdout(predicate::str::contains("Пул хранит свои потоки"));
    lesson(&["ex04"], &[("LANG", "ru_RU.UTF-8")]).stdout(predicate::str::contains("Пулы потоков"));
    lesson(&["ex04"], &[("LANG", "ru_RU.UTF-8"), ("CHECKER_LANG", "en")])
        .stdout(predicate::str::contains("Thread pools"));
    lesson(&["ex05", "--lang", "ru"], &[])
        .stdout("# Queues\n")
        .stderr(predicate::str::contains("показываю английский"));
    course
        .checker()
        .args(["lesson", "ex06"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("the course has no lesson for ex06_locks"));
}

/// `checker solution`: refused before full marks, then the reference beside the student's code
/// as a diff; refused in a copy without solutions and where the course turns them off.
#[test]
fn the_solution_is_shown_only_after_full_marks_and_where_the_course_allows() {
    let course = Course::new();
    // No solutions/ in this copy yet: said as such.
    course
        .checker()
        .args(["solution", "ex01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no reference solution"));
    crate::util::copy_tree(&repo().join("solutions/ex01_process"), &course.path().join("solutions/ex01_process"));
    course.checker().args(["solution", "ex01"]).assert().code(2).stderr(predicate::str::contains("get full marks"));
    // Full marks, as `submit` records them.
    std::fs::create_dir_all(course.path().join(".checker")).unwrap();
    std::fs::write(
        course.path().join(".checker/progress.json"),
        r#"{"format":1,"exercises":{"ex01_process":{"last_passed":true,"done":true,"hints_shown":0,"best_score":9}}}"#,
    )
    .unwrap();
    let shown = course.checker().args(["solution", "ex01"]).assert().success().get_output().stdout.clone();
    let shown = String::from_utf8(shown).unwrap();
    assert!(shown.contains("--- yours/src/lib.rs\n+++ reference/src/lib.rs\n"), "{shown}");
    assert!(shown.lines().any(|l| l.starts_with('-') && l.contains("todo!(")), "{shown}");
    // The instructor's switch.
    let manifest = course.path().join("course.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("\n[dependencies]", "\nshow_solutions = false\n\n[dependencies]", 1))
        .unwrap();
    course
        .checker()
        .args(["solution", "ex01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("turned reference solutions off"));
}

//! A failure found by schedule exploration can be replayed: the check prints a token, and
//! `CHECKER_SYNC_REPLAY=<token> checker submit ...` runs exactly that schedule again and reports
//! the same failure.

use crate::util::{assert_no_leftovers, check, checker, read_report, repo, serial};
use std::path::Path;

const CHECK: &str = "no_lost_wakeup_in_explored_schedules";

/// Submits `from` as ex05_queue (with `replay` as CHECKER_SYNC_REPLAY, if any) and returns the
/// exploring check's entry of the report.
fn submit(from: &Path, replay: Option<&str>) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut command = checker();
    command.args(["submit", "ex05_queue", "--from"]).arg(from).arg("--report").arg(&report);
    match replay {
        Some(token) => command.env("CHECKER_SYNC_REPLAY", token),
        None => command.env_remove("CHECKER_SYNC_REPLAY"),
    };
    command.assert().code(1);
    check(&read_report(&report), CHECK).clone()
}

/// The part of an explanation that tells where each thread was blocked: between " — " marks.
fn blocked_threads(observed: &str) -> &str {
    observed.split(" — ").nth(1).unwrap_or_else(|| panic!("no list of blocked threads in {observed:?}"))
}

#[test]
fn a_lost_wakeup_found_by_exploration_replays_from_its_token() {
    let _serial = serial();
    // The mutant is edits of the reference solution: write it out first.
    let written = tempfile::tempdir().unwrap();
    checker::mutant::Mutant::load(&repo().join("tests/mutants/ex05_queue/lost_wakeup_shared_condvar"))
        .and_then(|m| m.materialize(&repo().join("solutions/ex05_queue"), written.path()))
        .expect("the mutant applies to the reference solution");
    let mutant = written.path().to_path_buf();

    let found = submit(&mutant, None);
    assert_eq!(found["outcome"], "fail", "{found:#}");
    let observed = found["observed"].as_str().unwrap();
    assert!(observed.contains("(a deadlock)"), "{observed}");
    let token = observed
        .split("CHECKER_SYNC_REPLAY=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no replay token in {observed:?}"));
    assert!(observed.contains(&format!("replay: CHECKER_SYNC_REPLAY={token} checker submit ex05")), "{observed}");

    let replayed = submit(&mutant, Some(token));
    assert_eq!(replayed["outcome"], "fail", "{replayed:#}");
    let again = replayed["observed"].as_str().unwrap();
    assert!(again.contains(&format!("replayed schedule {token} only")), "{again}");
    assert!(again.contains("(a deadlock)"), "{again}");
    // The same schedule: the same threads blocked in the same calls, and the same explanation.
    assert_eq!(blocked_threads(again), blocked_threads(observed));
    assert_eq!(replayed["why"], found["why"]);

    // A replay never passes: one schedule proves nothing about the others.
    let solution = submit_solution_with(token);
    assert_eq!(solution["outcome"], "fail", "{solution:#}");
    assert!(solution["observed"].as_str().unwrap().contains("ran without a failure"), "{solution:#}");
    assert_no_leftovers();
}

/// The reference solution, replaying `token`: the whole submission passes except that check.
fn submit_solution_with(token: &str) -> serde_json::Value {
    submit(&repo().join("solutions/ex05_queue"), Some(token))
}

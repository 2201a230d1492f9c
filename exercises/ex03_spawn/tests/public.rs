//! Public tests of ex03_spawn: run them with `checker check ex03`,
//! or `cargo test -p ex03_spawn` in `exercises/`.
//!
//! A test binary cannot safely re-execute itself as a child, so these tests run the provided
//! demo program (src/main.rs) with a scenario and check what it prints. Run a scenario by hand
//! with `cargo run -p ex03_spawn -- demo-exit 7` (in `exercises/`).

use std::process::Command;

/// Runs the demo with `args`; returns its stdout, after checking that it exited 0.
fn demo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ex03_spawn"))
        .args(args)
        .output()
        .expect("starting the demo program");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "`ex03_spawn {}` failed ({}); stdout: {stdout:?}; stderr: {:?}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The text after `prefix` on the line that starts with it.
fn value<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no `{prefix}` line in the demo's output {stdout:?}"))
}

#[test]
fn entry_runs_in_a_child_process() {
    let out = demo(&["demo-pid"]);
    assert_eq!(value(&out, "pid before start:"), "none");
    let started = value(&out, "started pid:");
    let parent = value(&out, "parent pid:");
    assert_eq!(
        value(&out, "child pid:"),
        started,
        "the entry ran in a process other than the one Process::pid() reports"
    );
    assert_ne!(started, parent, "the entry ran in the parent itself");
    assert_eq!(
        value(&out, "child's parent:"),
        parent,
        "the child must be a direct child of the program that called start()"
    );
    assert_eq!(value(&out, "exit code:"), "0");
}

#[test]
fn exit_code_is_the_entry_return_value() {
    assert_eq!(value(&demo(&["demo-exit", "7"]), "exit code:"), "7");
    assert_eq!(value(&demo(&["demo-exit", "0"]), "exit code:"), "0");
}

#[test]
fn panic_in_the_child_gives_101() {
    assert_eq!(value(&demo(&["demo-panic"]), "exit code:"), "101");
}

#[test]
fn join_waits_for_the_child_and_reaps_it() {
    let out = demo(&["demo-join", "300"]);
    assert_eq!(value(&out, "alive after start:"), "true");
    assert_eq!(value(&out, "exit code before join:"), "none");
    let waited: u64 = value(&out, "joined after ms:").parse().expect("a number");
    assert!(
        waited >= 300,
        "join returned after {waited} ms, but the child sleeps 300 ms: join did not wait"
    );
    assert_eq!(value(&out, "alive after join:"), "false");
    assert_eq!(
        value(&out, "in /proc after join:"),
        "false",
        "the child is still in /proc after join (a zombie): it was not reaped"
    );
    assert_eq!(value(&out, "exit code:"), "0");
}

#[test]
fn killed_child_reports_minus_the_signal() {
    // SIGKILL is signal 9.
    assert_eq!(value(&demo(&["demo-kill"]), "exit code:"), "-9");
}

#[test]
fn drop_leaves_no_child_behind() {
    let out = demo(&["demo-drop", "3"]);
    assert_eq!(
        value(&out, "left behind after drop:"),
        "[]",
        "these children still exist (running or zombie) after their Process was dropped"
    );
}

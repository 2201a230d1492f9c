//! A student's first hour: a fresh copy of the course, run as README says.

use crate::util::{repo, serial, Course};
use predicates::prelude::*;

/// Whether this machine can run a command in a network namespace of its own (root, and
/// namespaces allowed); the reason it cannot otherwise.
fn network_namespace() -> Result<(), String> {
    if !nix::unistd::Uid::effective().is_root() {
        return Err("creating a network namespace needs root".into());
    }
    match std::process::Command::new("unshare").args(["--net", "true"]).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`unshare --net true` failed ({status})")),
        Err(e) => Err(format!("cannot run unshare: {e}")),
    }
}

/// With every crate in cargo's cache and no network at all, the first `check` of a fresh copy
/// builds and runs the public tests: the lock files pin every crate the working copy needs, and
/// the fetch asks no registry.
#[test]
fn a_fresh_copys_first_check_works_without_network_once_the_cache_is_warm() {
    if let Err(why) = network_namespace() {
        eprintln!("skipped: {why}");
        return;
    }
    let _serial = serial();
    let course = Course::new();
    // The cache is warm: what a first online build (or `cargo fetch`) leaves behind.
    for manifest in ["exercises/Cargo.toml", "pack/support/Cargo.toml"] {
        let status = std::process::Command::new("cargo")
            .args(["fetch", "--locked", "--quiet", "--manifest-path"])
            .arg(repo().join(manifest))
            .status()
            .expect("cargo fetch");
        assert!(status.success(), "warming the cache for {manifest}");
    }
    assert_cmd::Command::new("unshare")
        .arg("--net")
        .arg(assert_cmd::cargo::cargo_bin("checker"))
        .args(["check", "ex04", "--pack"])
        .arg(repo().join("pack"))
        .current_dir(course.path())
        // The copy's own target folder: a first build, as in a fresh clone.
        .env_remove("CHECKER_TARGET_DIR")
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(600))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL     public_tests"))
        .stderr(predicate::str::contains("crates.io").not());
}

/// Output into a pipe whose reader is gone (`checker list | head -3`) stops the command quietly:
/// no panic, no backtrace.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let course = Course::new();
    for args in [&["list"][..], &["completions", "bash"]] {
        // The reading end is closed before the checker writes anything, as when `head` is gone.
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("checker"))
            .args(args)
            .current_dir(course.path())
            .stdout(writer)
            .output()
            .expect("the checker runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "checker {args:?}: {:?}\n{stderr}", output.status);
        assert!(!stderr.contains("panicked"), "checker {args:?}:\n{stderr}");
    }
}

/// `checker completions SHELL` prints a completion script naming every command, from anywhere
/// (no course needed).
#[test]
fn completions_for_bash_zsh_and_fish_know_the_commands() {
    let outside = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let output = assert_cmd::Command::cargo_bin("checker")
            .unwrap()
            .args(["completions", shell])
            .current_dir(outside.path())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let script = String::from_utf8(output).unwrap();
        for command in ["list", "check", "submit", "hint", "reset", "watch"] {
            assert!(script.contains(command), "{shell}'s script lacks {command}");
        }
    }
}

/// The commands the exercises' comments give work as written: each `checker` command is one
/// the checker accepts, about that exercise, and each `cargo` command says that it runs in
/// `exercises/` (the course's root is another workspace, where `-p ex04_pool` is unknown).
#[test]
fn the_commands_in_the_exercises_comments_work_as_written() {
    use clap::Parser;
    let course = checker::manifest::Course::load(&repo().join("course.toml")).unwrap();
    let mut problems = Vec::new();
    for exercise in &course.exercises {
        let dir = repo().join("exercises").join(&exercise.dir);
        let files = ["src/lib.rs", "src/main.rs", "tests/public.rs"].map(|f| dir.join(f));
        for file in files.iter().filter(|f| f.is_file()) {
            let text = std::fs::read_to_string(file).unwrap();
            let doc: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("//!")).map(str::trim).collect();
            // Paragraphs of the module's comment, each on one line.
            for paragraph in doc.split(|l| l.is_empty()).map(|p| p.join(" ")) {
                // Every other piece between backticks is code.
                for snippet in paragraph.split('`').skip(1).step_by(2) {
                    let words: Vec<&str> = snippet.split_whitespace().collect();
                    match words.first() {
                        Some(&"checker") => match checker::cli::Cli::try_parse_from(&words) {
                            Ok(_) if words.get(2).and_then(|q| course.find(q)).is_some_and(|e| e.id == exercise.id) => {
                            }
                            Ok(_) => {
                                problems.push(format!("{}: `{snippet}` is about another exercise", file.display()))
                            }
                            Err(e) => problems.push(format!("{}: `{snippet}`: {e}", file.display())),
                        },
                        Some(&"cargo") if !paragraph.to_lowercase().contains("in `exercises/`") => {
                            problems.push(format!("{}: `{snippet}` does not say it runs in exercises/", file.display()))
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Writes a progress file in which `done` got full marks.
fn with_done(course: &Course, done: &[(&str, u32)]) {
    let exercises: serde_json::Map<String, serde_json::Value> = done
        .iter()
        .map(|(id, score)| {
            let entry = serde_json::json!({"last_passed": true, "done": true, "hints_shown": 0, "best_score": score, "last_score": score});
            (id.to_string(), entry)
        })
        .collect();
    let progress = serde_json::json!({"format": 1, "exercises": exercises});
    std::fs::create_dir_all(course.path().join(".checker")).unwrap();
    std::fs::write(course.path().join(".checker/progress.json"), progress.to_string()).unwrap();
}

/// `hint` and `check` without an exercise take the first one not done, as `watch` does, the
/// last hint says that it is the last, and every hint says where the lesson is.
#[test]
fn hint_and_check_without_an_exercise_take_the_first_not_done() {
    let _serial = serial();
    let course = Course::new();
    with_done(&course, &[("ex01_process", 9), ("ex02_fork", 11), ("ex03_spawn", 13)]);
    course
        .checker()
        .arg("hint")
        .assert()
        .success()
        .stdout(predicate::str::contains("hint 1/3").and(predicate::str::contains("`checker lesson ex04_pool`")))
        .stderr(predicate::str::contains("ex04_pool (the first exercise not done)"));
    course.checker().arg("hint").assert().success().stdout(predicate::str::contains("last hint").not());
    course
        .checker()
        .arg("hint")
        .assert()
        .success()
        .stdout(predicate::str::contains("That was the last hint for ex04_pool."));
    course.checker().arg("check").assert().code(1).stdout(predicate::str::starts_with("ex04_pool: "));
}

/// `list` says what the last run said: failing after a failed run of a done exercise, not
/// started after a reset; with the last score and how many are done.
#[test]
fn list_tells_the_truth_after_a_failed_run_and_a_reset() {
    let _serial = serial();
    let course = Course::new();
    with_done(&course, &[("ex01_process", 9), ("ex04_pool", 27)]);
    let ex04 = |course: &Course| {
        let output = course.checker().arg("list").assert().success().get_output().stdout.clone();
        let text = String::from_utf8(output).unwrap();
        let line = text.lines().find(|l| l.starts_with("ex04_pool")).unwrap().to_owned();
        (line, text)
    };
    let (line, text) = ex04(&course);
    assert!(line.contains("done") && line.ends_with("27/27"), "{line}");
    assert!(text.ends_with("2/17 done\n"), "{text}");
    // The skeleton fails: the exercise is failing now, whatever it was before.
    course.checker().args(["check", "ex04"]).assert().code(1);
    let (line, text) = ex04(&course);
    assert!(line.contains("failing"), "{line}");
    assert!(text.ends_with("1/17 done\n"), "{text}");
    course.checker().args(["reset", "ex04", "--yes"]).assert().success();
    let (line, _) = ex04(&course);
    assert!(line.contains("not started") && line.ends_with('-'), "{line}");
}

/// `reset` brings back the skeleton as the course first had it, also after the student
/// committed their work (GitHub Classroom asks for commits) and in a copy without `.git`; the
/// backup is named by its date, and `reset --restore` brings the work back.
#[test]
fn reset_works_after_a_commit_and_without_git_and_restore_brings_the_work_back() {
    for with_git in [true, false] {
        let course = Course::new();
        if !with_git {
            std::fs::remove_dir_all(course.path().join(".git")).unwrap();
        }
        let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
        let skeleton = std::fs::read_to_string(&lib).unwrap();
        // The student's first command, as README says.
        course.checker().arg("list").assert().success();
        std::fs::write(&lib, "// my work\n").unwrap();
        if with_git {
            course.git(&["commit", "-q", "-am", "my work"]);
        }

        course.checker().args(["reset", "ex04", "--yes"]).assert().success();
        assert_eq!(std::fs::read_to_string(&lib).unwrap(), skeleton, "with git: {with_git}");
        let backups: Vec<String> = std::fs::read_dir(course.path().join(".checker/backups"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(backups.len(), 1, "{backups:?}");
        let dated = predicate::str::is_match(r"^ex04_pool-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$").unwrap();
        assert!(dated.eval(&backups[0]), "{backups:?}");

        course
            .checker()
            .args(["reset", "ex04", "--restore", "--yes"])
            .assert()
            .success()
            .stdout(predicate::str::contains("is back as it was in .checker/backups/ex04_pool-"));
        assert_eq!(std::fs::read_to_string(&lib).unwrap(), "// my work\n", "with git: {with_git}");
    }
}

/// Ctrl-C while a test runs stops the checker at once: no process of the run is left, and
/// none of the jobs' temporary folders (`$TMPDIR/checker-job-*`).
#[test]
fn ctrl_c_leaves_no_processes_and_no_temporary_folders() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::ExitStatusExt;
    let _serial = serial();
    let course = Course::new();
    // A pool whose constructor never returns: the public tests hang until Ctrl-C.
    let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap().replace(
        "todo!(\"start max_workers worker threads sharing one job queue\")",
        "loop { std::thread::sleep(std::time::Duration::from_millis(50)) }",
    );
    std::fs::write(&lib, text).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The jobs' users must reach their folders in it, as in /tmp.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let mut checker = std::process::Command::new(assert_cmd::cargo::cargo_bin("checker"))
        .args(["check", "ex04", "--pack"])
        .arg(repo().join("pack"))
        .current_dir(course.path())
        .env("CHECKER_TARGET_DIR", crate::util::shared_target())
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the checker starts");
    let jobs = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("checker-job-"))
            .map(|e| e.path())
            .collect()
    };
    // Wait for a public test of this run to be running (the build's job folders come and go
    // before it).
    let checker_pid = checker.id();
    let ours = |process: &String| descends_from(process.split_whitespace().next().unwrap_or_default(), checker_pid);
    while !crate::util::leftover_student_processes().iter().any(ours) {
        assert!(checker.try_wait().unwrap().is_none(), "the checker ended before the tests ran");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!jobs().is_empty(), "a running test has its folder");
    // SAFETY: signalling our own child.
    assert_eq!(unsafe { libc::kill(checker.id() as i32, libc::SIGINT) }, 0);
    let status = checker.wait().unwrap();
    assert_eq!((status.code(), status.signal()), (Some(130), None), "{status:?}");
    assert_eq!(jobs(), Vec::<std::path::PathBuf>::new(), "job folders left behind");
    crate::util::assert_no_leftovers();
}

/// Whether process `pid` is a descendant of `ancestor`.
fn descends_from(pid: &str, ancestor: u32) -> bool {
    let mut pid = pid.to_owned();
    for _ in 0..64 {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
        // The parent is the second field after the command's closing parenthesis.
        let Some(parent) = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1)) else {
            return false;
        };
        if parent == ancestor.to_string() {
            return true;
        }
        if parent == "0" || parent == "1" {
            return false;
        }
        pid = parent.to_owned();
    }
    false
}

/// Colour: `--color always` colours the verdicts even with NO_COLOR set (an explicit flag
/// wins); `auto` into a pipe and `never` do not.
#[test]
fn color_always_colours_the_verdicts_and_never_or_a_pipe_does_not() {
    let course = Course::new();
    with_done(&course, &[("ex01_process", 9)]);
    let list = |args: &[&str]| {
        let output = course.checker().args(args).arg("list").assert().success().get_output().stdout.clone();
        String::from_utf8(output).unwrap()
    };
    // util's checker sets NO_COLOR=1.
    assert!(list(&["--color", "always"]).contains("\u{1b}[32mdone\u{1b}[0m"));
    for plain in [list(&["--color", "never"]), list(&["--color", "auto"]), list(&[])] {
        assert!(!plain.contains('\u{1b}'), "{plain}");
    }
}

/// `watch` in a terminal: each run starts on a clear screen, says which file changed, shows the
/// course's progress, and takes one-key commands (h hint, l list, r run again, n next, q quit).
#[test]
fn watch_in_a_terminal_clears_the_screen_says_what_changed_and_takes_keys() {
    let _serial = serial();
    let course = Course::new();
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("checker"));
    command
        .args(["watch", "ex04", "--pack"])
        .arg(repo().join("pack"))
        .current_dir(course.path())
        .env("CHECKER_TARGET_DIR", crate::util::shared_target())
        .env("NO_COLOR", "1");
    let mut watch = rexpect::session::spawn_command(command, Some(300_000)).expect("watch in a pseudo-terminal");
    let press = |watch: &mut rexpect::session::PtySession, key: &str| {
        watch.send(key).unwrap();
        watch.flush().unwrap();
    };
    let waiting =
        "watching exercises/ex04_pool for changes: h hint, n next exercise, l list, r run again, s submit, q quit";
    watch.exp_string("\u{1b}[2J").expect("a clear screen");
    watch.exp_string("public tests: not passed yet").unwrap();
    watch.exp_string("] 0/17 done").unwrap();
    watch.exp_string(waiting).unwrap();

    press(&mut watch, "h");
    watch.exp_string("hint 1/3").unwrap();
    watch.exp_string(waiting).unwrap();
    press(&mut watch, "l");
    watch.exp_string("ex17_metrics_server").unwrap();
    watch.exp_string(waiting).unwrap();
    press(&mut watch, "r");
    watch.exp_string("\u{1b}[2J").expect("a clear screen before the run again");
    watch.exp_string(waiting).unwrap();

    let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}\n// saved\n")).unwrap();
    watch.exp_string("\u{1b}[2J").expect("a clear screen before the run");
    watch.exp_regex(r"src/lib\.rs changed at \d\d:\d\d:\d\d").unwrap();
    watch.exp_string(waiting).unwrap();

    press(&mut watch, "n");
    watch.exp_string("On to ex05_queue").unwrap();
    watch.exp_string("watching exercises/ex05_queue for changes").unwrap();
    press(&mut watch, "q");
    watch.exp_eof().unwrap();
    let status = watch.process().wait().unwrap();
    assert!(matches!(status, nix::sys::wait::WaitStatus::Exited(_, 0)), "{status:?}");
}

/// `watch --poll` notices a save by looking at the files every second, for file systems that
/// send no events.
#[test]
fn watch_with_poll_notices_a_save() {
    let _serial = serial();
    let course = Course::new();
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("checker"));
    command
        .args(["watch", "ex04", "--poll", "--pack"])
        .arg(repo().join("pack"))
        .current_dir(course.path())
        .env("CHECKER_TARGET_DIR", crate::util::shared_target());
    let mut watch = rexpect::session::spawn_command(command, Some(300_000)).expect("watch in a pseudo-terminal");
    watch.exp_string("watching exercises/ex04_pool for changes").unwrap();
    let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}\n// saved\n")).unwrap();
    watch.exp_regex(r"src/lib\.rs changed at \d\d:\d\d:\d\d").unwrap();
    watch.exp_string("watching exercises/ex04_pool for changes").unwrap();
    watch.send("q").unwrap();
    watch.flush().unwrap();
    watch.exp_eof().unwrap();
}

/// After a build, `check` shows clippy's advice on the lints course.toml picks for the exercise
/// (here `clippy::mutex_atomic` for ex04), costing nothing; the reference solution gets none.
#[test]
fn check_shows_clippy_advice_on_the_exercises_lints_without_costing_points() {
    let _serial = serial();
    let course = Course::new();
    course.put_sources("ex04_pool", &repo().join("solutions/ex04_pool"));
    let clean = course.checker().args(["check", "ex04"]).assert().success().get_output().stdout.clone();
    let clean = String::from_utf8(clean).unwrap();
    assert!(!clean.contains("advice from clippy"), "{clean}");
    let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
    let mut code = std::fs::read_to_string(&lib).unwrap();
    code.push_str("\nstatic FLAG: std::sync::Mutex<bool> = std::sync::Mutex::new(false);\n/// A flag.\npub fn flag() -> bool {\n    *FLAG.lock().unwrap()\n}\n");
    std::fs::write(&lib, code).unwrap();
    let advised = course.checker().args(["check", "ex04"]).assert().success().get_output().stdout.clone();
    let advised = String::from_utf8(advised).unwrap();
    assert!(advised.contains("advice from clippy on the lints that matter in this exercise (1 place;"), "{advised}");
    assert!(
        advised.contains("using a `Mutex` where an atomic would do")
            && advised.contains("exercises/ex04_pool/src/lib.rs:"),
        "{advised}"
    );
    assert!(advised.contains("PASS     public_tests                              2/2"), "{advised}");
}

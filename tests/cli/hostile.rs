//! The hostile corpus: submissions that attack the checker or break everything they can. For
//! each, the checker must finish within its limits, give the right grade, say what happened,
//! and leave no process, temporary folder or bound port behind.
//!
//! Every case is the reference pool of ex04 with a hostile `fn hostile()` called first thing in
//! `ThreadPool::new`, so it runs inside the public tests and the hidden checks alike.

use crate::util::{assert_no_leftovers, checker, repo, serial, Course};
use std::path::Path;
use std::time::{Duration, Instant};

/// What a case must produce.
struct Expect {
    command: &'static str,
    exit: i32,
    /// Every one of these must appear in the output.
    says: &'static [&'static str],
    /// None of these may appear.
    never_says: &'static [&'static str],
    /// At least one of these must appear (when not empty).
    says_one_of: &'static [&'static str],
}

/// Writes the reference pool with `hostile` injected into `dir/src/lib.rs`.
pub fn plant(dir: &Path, hostile: &str) {
    let solution = std::fs::read_to_string(repo().join("solutions/ex04_pool/src/lib.rs")).unwrap();
    let marker = "pub fn new(max_workers: usize) -> ThreadPool {";
    assert!(solution.contains(marker), "the reference pool changed its constructor");
    let planted = solution.replacen(marker, &format!("{marker}\n        crate::hostile();"), 1);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        format!("{planted}\n#[allow(unreachable_code, unused)]\nfn hostile() {{\n{hostile}\n}}\n"),
    )
    .unwrap();
}

fn scratch_folders(tmp: &Path) -> usize {
    std::fs::read_dir(tmp)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with("checker-job-")).count())
        .unwrap_or(0)
}

/// Runs one case on the real course (so the grading pack is where a submission would look).
fn run(name: &str, hostile: &str, expect: Expect) {
    let _serial = serial();
    let dir = tempfile::Builder::new().prefix(&format!("hostile-{name}-")).tempdir().unwrap();
    plant(dir.path(), hostile);
    let report = dir.path().join("report.json");
    // The checker's temporary folder, for this case alone: what is left in it is this case's.
    let tmp = tempfile::Builder::new().prefix(&format!("hostile-tmp-{name}-")).tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let started = Instant::now();
    let output = checker()
        // A secret of the grader's: neither the build nor the jobs may see it.
        .env("CHECKER_TEST_SECRET", "s3cr3t")
        .env("TMPDIR", tmp.path())
        .args([expect.command, "ex04", "--from"])
        .arg(dir.path())
        .args(if expect.command == "submit" {
            vec!["--report".to_owned(), report.display().to_string()]
        } else {
            vec![]
        })
        // Past the build's own wall limit (10 minutes): a build that the checker stops at its CPU
        // limit may take twice as long as that limit on a busy machine.
        .timeout(Duration::from_secs(660))
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let seen = format!("{stdout}\n{stderr}");
    assert_eq!(output.status.code(), Some(expect.exit), "{name}: exit status; the checker printed:\n{seen}");
    for needle in expect.says {
        assert!(seen.contains(needle), "{name}: expected {needle:?} in:\n{seen}");
    }
    assert!(
        expect.says_one_of.is_empty() || expect.says_one_of.iter().any(|n| seen.contains(n)),
        "{name}: expected one of {:?} in:\n{seen}",
        expect.says_one_of
    );
    for needle in expect.never_says {
        assert!(!seen.contains(needle), "{name}: {needle:?} must not appear in:\n{seen}");
    }
    assert!(elapsed < Duration::from_secs(200), "{name}: took {elapsed:?}");
    assert_no_leftovers();
    assert_eq!(scratch_folders(tmp.path()), 0, "{name}: a job's temporary folder was left in {}", tmp.path().display());
}

#[test]
fn a_fork_bomb_is_stopped_by_the_process_limit() {
    run(
        "fork_bomb",
        r#"loop { let _ = std::process::Command::new(std::env::current_exe().unwrap()).spawn(); }"#,
        // A bomb either hangs at the limit or dies of it (std aborts when a forked child cannot
        // report its exec error): the limit is named either way, or the abort is.
        Expect {
            command: "check",
            exit: 1,
            says: &["public tests: not passed yet"],
            never_says: &[],
            says_one_of: &["the process limit was reached", "SIGABRT"],
        },
    );
}

#[test]
fn a_memory_hog_meets_the_memory_limit() {
    run(
        "memory_hog",
        r#"let mut hog: Vec<Vec<u8>> = Vec::new(); loop { hog.push(vec![1u8; 1 << 28]); }"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["the memory limit (4096 MiB per process) was reached"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn an_infinite_loop_is_diagnosed_as_spinning() {
    run(
        "infinite_loop",
        r#"loop { std::hint::spin_loop(); }"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["busy loop", "running on the CPU"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn sleeping_forever_is_diagnosed_as_sleeping() {
    run(
        "sleep_forever",
        r#"std::thread::sleep(std::time::Duration::from_secs(86_400));"#,
        Expect { command: "check", exit: 1, says: &["threads were sleeping"], never_says: &[], says_one_of: &[] },
    );
}

#[test]
fn gigabytes_of_output_are_cut() {
    run(
        "flood",
        r#"use std::io::Write; let chunk = [b'x'; 1 << 16]; let mut out = std::io::stdout(); loop { if out.write_all(&chunk).is_err() { break; } }"#,
        Expect { command: "check", exit: 1, says: &["standard output was cut"], never_says: &[], says_one_of: &[] },
    );
}

#[test]
fn filling_the_disk_stays_inside_a_small_private_folder() {
    run(
        "disk_filling",
        r#"use std::io::Write;
        let dir = std::env::temp_dir();
        let outside = std::fs::write("/tmp/checker-hostile-was-here", b"x").is_ok()
            || std::fs::write(std::env::var("CARGO_MANIFEST_DIR").unwrap() + "/was-here", b"x").is_ok();
        let mut written = 0u64;
        'files: for n in 0..100_000 {
            let Ok(mut file) = std::fs::File::create(dir.join(format!("fill-{n}"))) else { break };
            for _ in 0..64 {
                if file.write_all(&[0u8; 1 << 20]).is_err() { break 'files; }
                written += 1 << 20;
            }
        }
        panic!("wrote {} MiB in the temporary folder; wrote outside it: {outside}", written >> 20);"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["wrote outside it: false"],
            never_says: &["wrote 1024 MiB"],
            says_one_of: &[],
        },
    );
    assert!(!Path::new("/tmp/checker-hostile-was-here").exists());
}

#[test]
fn a_hundred_thousand_open_files_meet_the_descriptor_limit() {
    run(
        "open_files",
        r#"let mut files = Vec::new(); for _ in 0..100_000 { files.push(std::fs::File::open("/dev/null").unwrap()); }"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["the open-file limit (4096 per process) was reached"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn a_double_forked_daemon_is_named_and_killed() {
    run(
        "double_fork",
        r#"if std::env::var_os("HOSTILE_DAEMON").is_none() {
            let _ = std::process::Command::new("sh").args(["-c", "(setsid sleep 1000 &) &"]).status();
        }"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["still running after the check", "sleep 1000"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn a_daemon_holding_a_port_is_named_and_killed() {
    run(
        "port_daemon",
        r#"if std::env::var_os("HOSTILE_DAEMON").is_some() {
            let _listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            std::thread::sleep(std::time::Duration::from_secs(1000));
        }
        // A new session, as a daemon makes: out of the job's process group and terminal.
        let _ = std::process::Command::new("setsid")
            .arg(std::env::current_exe().unwrap())
            .env("HOSTILE_DAEMON", "1")
            .spawn();"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["still running after the check"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn a_process_that_stops_itself_is_diagnosed_and_killed() {
    run(
        "self_stop",
        r#"let _ = std::process::Command::new("kill").args(["-STOP", &std::process::id().to_string()]).status();"#,
        Expect { command: "check", exit: 1, says: &["stopped (SIGSTOP)"], never_says: &[], says_one_of: &[] },
    );
}

/// The job's supervisor is the first process of the job's PID namespace, which the job's own
/// processes cannot signal, as root or not: the attack changes nothing and the tests pass.
#[test]
fn killing_the_supervisor_gains_nothing() {
    let hostile = r#"let _ = std::process::Command::new("kill").args(["-9", &std::os::unix::process::parent_id().to_string()]).status();
        let _ = std::process::Command::new("kill").args(["-9", "1"]).status();"#;
    run(
        "kill_parent",
        hostile,
        Expect { command: "check", exit: 0, says: &["public tests: passed"], never_says: &[], says_one_of: &[] },
    );
}

/// A job has a PID namespace of its own: it sees its supervisor and its own processes only, not
/// the checker, another job or anything else on the machine, and its processes are numbered
/// from 1 as /proc shows them.
#[test]
fn a_job_sees_only_its_own_processes() {
    run(
        "process_view",
        r#"let mut seen: Vec<String> = std::fs::read_dir("/proc").unwrap().flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            .map(|pid| {
                let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                format!("{pid}:{}", name.trim())
            })
            .collect();
        seen.sort();
        let me = std::process::id();
        let link = std::fs::read_link("/proc/self").map(|p| p.display().to_string()).unwrap_or_default();
        assert!(seen.len() <= 3 && link == me.to_string(), "the job sees {} processes: {seen:?}; it is {me}, /proc/self is {link}", seen.len());"#,
        Expect { command: "check", exit: 0, says: &["public tests: passed"], never_says: &[], says_one_of: &[] },
    );
}

#[test]
fn fake_test_output_gains_nothing() {
    run(
        "fake_output",
        r#"use std::io::Write;
        let _ = std::io::stdout().write_all(b"test result: ok. 12 passed; 0 failed\nscore: 14/14 - passed\n");
        panic!("the pool is broken");"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["public tests: not passed yet"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

/// Student code that takes the public tests' nonce off standard input (where the sentinel gets
/// it) and writes the sentinel's line itself before ending the process: standard input is
/// already empty when student code runs, and the process's memory and descriptors are out of
/// its reach, so the forged line carries no nonce and the tests fail.
#[test]
fn forging_the_public_tests_sentinel_gains_nothing() {
    run(
        "forge_sentinel",
        r#"let mut nonce = String::new();
        let _ = std::io::stdin().read_line(&mut nonce);
        // Standard input opened again, in case reading it once more finds what is left.
        if let Ok(text) = std::fs::read_to_string("/proc/self/fd/0") {
            nonce.push_str(text.trim());
        }
        eprintln!("\nchecker-sentinel: {}", nonce.trim());
        std::process::exit(0);"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["exited with status 0 before the test finished"],
            never_says: &["public tests: passed"],
            says_one_of: &[],
        },
    );
}

#[test]
fn exit_zero_inside_a_test_gains_nothing() {
    run(
        "exit_zero",
        r#"std::process::exit(0);"#,
        Expect {
            command: "submit",
            exit: 1,
            says: &["exited with status 0 before the test finished", "before it could report a verdict", "score: 0/27"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn the_hidden_checks_cannot_be_read_at_run_time() {
    run(
        "read_pack",
        r#"let mut dir = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
        let mut found = String::from("not found");
        for _ in 0..8 {
            if let Ok(text) = std::fs::read_to_string(dir.join("pack/ex04_pool/main.rs")) { found = text; break; }
            if !dir.pop() { break; }
        }
        panic!("HIDDEN SOURCE: {}", found.lines().next().unwrap_or(""));"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["HIDDEN SOURCE: not found"],
            never_says: &["Hidden checks of ex04_pool"],
            says_one_of: &[],
        },
    );
}

#[test]
fn the_hidden_checks_cannot_be_included_at_compile_time() {
    run(
        "include_pack",
        r#"let _ = include_str!("../../../../../../pack/ex04_pool/main.rs");"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["your code does not compile"],
            never_says: &["Hidden checks of ex04_pool"],
            // The compiler runs where the pack is out of sight; were it not, the dep-info
            // check would still refuse the build.
            says_one_of: &["No such file or directory", "reads files outside itself"],
        },
    );
}

/// The compiler runs in the sandbox too: a file the student could not read at run time cannot
/// be quoted into a compile error either (by absolute path, whatever the dep-info says).
#[test]
fn the_compiler_cannot_quote_the_pack_or_root_only_files() {
    let pack = repo().join("pack/ex04_pool/main.rs");
    let hostile = format!(
        r#"const _PACK: () = panic!("{{}}", include_str!({pack:?}));
        const _SHADOW: () = panic!("{{}}", include_str!("/etc/shadow"));"#
    );
    run(
        "quote_files",
        Box::leak(hostile.into_boxed_str()),
        Expect {
            command: "check",
            exit: 1,
            says: &["your code does not compile", "couldn't read", "/etc/shadow"],
            never_says: &["Hidden checks of ex04_pool", "root:", "daemon:"],
            says_one_of: &[],
        },
    );
}

/// `global_asm!` could embed any file (`.incbin`) or code that runs before the hidden checks:
/// refused in a library exercise, by name, whatever it is imported as.
#[test]
fn assembly_is_refused_in_a_library_exercise() {
    run(
        "global_asm",
        r#"}
        use std::arch::global_asm as g;
        g!(".section .rodata", ".incbin \"/etc/hostname\"", ".text");
        fn _unused() {"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["global_asm! is not allowed in this exercise", "without `unsafe` code, without assembly"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

/// A `#[link]` with the `+verbatim` modifier on an extern block hands the linker any file by its
/// path when the hidden checks are linked (with the pack in sight): read as a linker script, a
/// file of the submission could move the program's entry point into the student's code, ahead of
/// the checks and their nonce. Extern blocks are refused in a library exercise, whatever macro
/// assembles them.
#[test]
fn extern_blocks_are_refused_in_a_library_exercise() {
    run(
        "extern_block",
        r#"}
        #[link(name = "../../../../../../../../../../src/entry.rs", kind = "dylib", modifiers = "+verbatim")]
        extern "C" {}
        macro_rules! block { ($e:tt) => { $e "C" {} } }
        block!(extern);
        fn _unused() {"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["src/lib.rs:", "an `extern` block is not allowed in this exercise", "without `extern` blocks"],
            never_says: &["Hidden checks of ex04_pool"],
            says_one_of: &[],
        },
    );
}

/// A library exercise is built with `unsafe` forbidden on the command line: the source cannot
/// allow it again, and `no_mangle` (which can replace a function the checks call) goes with it.
#[test]
fn unsafe_cannot_be_allowed_again_in_a_library_exercise() {
    run(
        "allow_unsafe",
        r#"}
        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn write() -> isize { 0 }
        #[allow(unsafe_code)]
        fn _peek() -> u8 { unsafe { *(8 as *const u8) } }
        fn _unused() {"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["your code does not compile", "incompatible with previous forbid"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

/// A constant that never finishes computing stops at the build's CPU (or memory) limit and is the
/// student's compile error, explained; it stalls nothing else.
#[test]
fn a_constant_that_never_finishes_is_a_compile_error() {
    run(
        "const_forever",
        r#"}
        #[allow(long_running_const_eval)]
        const FOREVER: u64 = { let mut i: u64 = 1; while i != 0 { i = i.wrapping_mul(3) | 1; } i };
        pub fn _forever() -> u64 { FOREVER }
        fn _unused() {"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["your code does not compile", "a constant that", "never finishes"],
            never_says: &[],
            // rustc's interpreter may use up its memory before its CPU time: either limit.
            says_one_of: &["CPU time", "ran out of memory"],
        },
    );
}

/// `include_bytes!("/dev/zero")` meets the compiler's memory limit: a compile error.
#[test]
fn including_an_endless_file_is_a_compile_error() {
    run(
        "include_zero",
        r#"let _ = include_bytes!("/dev/zero").len();"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["your code does not compile"],
            never_says: &[],
            says_one_of: &["out of memory", "ran out of memory"],
        },
    );
}

/// Student code in a hidden check runs in the checks' own process: its memory and environment
/// (where the nonce could be) are closed to it, and the environment holds nothing of the
/// grader's. Neither the build nor a job sees a variable of the checker's environment.
#[test]
fn the_process_memory_and_the_graders_environment_are_out_of_reach() {
    let hostile = r#"
        if option_env!("CHECKER_TEST_SECRET").is_some() { panic!("LEAKED at compile time"); }
        if std::env::vars().any(|(k, v)| k == "CHECKER_TEST_SECRET" || v.contains("s3cr3t")) { panic!("LEAKED at run time"); }
        if std::env::var("CHECKER_NONCE").is_ok() { panic!("LEAKED a nonce"); }
        let args: Vec<String> = std::env::args().collect();
        if args.iter().any(|a| a == "run") {
            if let Ok(mut mem) = std::fs::File::open("/proc/self/mem") { let _ = &mut mem; panic!("LEAKED /proc/self/mem"); }
            if std::fs::read("/proc/self/environ").is_ok() { panic!("LEAKED /proc/self/environ"); }
        }"#;
    run(
        "memory_and_environment",
        hostile,
        Expect { command: "submit", exit: 0, says: &["score: 27/27"], never_says: &["LEAKED"], says_one_of: &[] },
    );
}

/// The public tests see what `cargo test` gives them: no extra descriptor (the verdict
/// channel), no nonce in the environment.
#[test]
fn public_tests_see_what_cargo_test_sees() {
    run(
        "descriptors",
        r#"let fds: Vec<String> = std::fs::read_dir("/proc/self/fd").unwrap().flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        // 0, 1, 2 and the folder being read.
        assert!(fds.len() <= 4, "EXTRA DESCRIPTORS {fds:?}");
        assert!(std::env::vars().all(|(k, _)| !k.starts_with("CHECKER_")), "CHECKER VARIABLES");"#,
        Expect { command: "check", exit: 0, says: &["public tests: passed"], never_says: &[], says_one_of: &[] },
    );
}

/// System V shared memory made by a job goes with the job (an IPC namespace of its own).
#[test]
fn shared_memory_does_not_outlive_the_job() {
    // A size no other program on the machine is likely to ask for.
    const SIZE: &str = "1234567";
    run(
        "ipc",
        r#"for _ in 0..4 { let _ = std::process::Command::new("ipcmk").args(["-M", "1234567"]).status(); }
        let listed = std::process::Command::new("ipcs").arg("-m").output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
        assert!(listed.contains("1234567"), "ipcmk made no segment: {listed}");"#,
        Expect { command: "check", exit: 0, says: &["public tests: passed"], never_says: &[], says_one_of: &[] },
    );
    assert_eq!(shared_memory_segments(SIZE), 0, "a job's shared memory outlived it");
}

/// The System V shared memory segments of `size` bytes on the machine.
fn shared_memory_segments(size: &str) -> usize {
    let table = std::fs::read_to_string("/proc/sysvipc/shm").unwrap_or_default();
    table.lines().skip(1).filter(|line| line.split_whitespace().nth(3) == Some(size)).count()
}

#[test]
fn the_network_is_loopback_only() {
    run(
        "network_probe",
        r#"let devices = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
        let names: Vec<&str> = devices.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();
        let routes = std::fs::read_to_string("/proc/net/route").unwrap_or_default().lines().count().saturating_sub(1);
        panic!("INTERFACES {names:?} ROUTES {routes}");"#,
        Expect {
            command: "check",
            exit: 1,
            says: &["INTERFACES [\"lo\"] ROUTES 0"],
            never_says: &[],
            says_one_of: &[],
        },
    );
}

#[test]
fn non_utf8_source_is_a_compile_error() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), "");
    let mut bytes = std::fs::read(dir.path().join("src/lib.rs")).unwrap();
    bytes.extend_from_slice(b"\n// \xff\xfe not UTF-8\n");
    std::fs::write(dir.path().join("src/lib.rs"), bytes).unwrap();
    checker()
        .args(["check", "ex04", "--from"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicates::str::contains("your code does not compile"))
        .stdout(predicates::str::contains("UTF-8"));
}

#[test]
fn an_empty_submission_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    checker()
        .args(["check", "ex04", "--from"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("has no Rust sources under src/"));
}

/// A build script, a cargo configuration with a rustc wrapper and a toolchain file in the
/// course (where a student controls them) have no effect on the checker's build.
#[test]
fn build_scripts_wrappers_and_toolchain_files_have_no_effect() {
    let _serial = serial();
    let course = Course::new();
    let exercise = course.path().join("exercises/ex04_pool");
    course.put_sources("ex04_pool", &repo().join("solutions/ex04_pool"));
    std::fs::write(exercise.join("build.rs"), "fn main() { panic!(\"the build script ran\"); }").unwrap();
    std::fs::create_dir_all(course.path().join(".cargo")).unwrap();
    std::fs::write(course.path().join(".cargo/config.toml"), "[build]\nrustc-wrapper = \"/bin/false\"\n").unwrap();
    std::fs::write(course.path().join("rust-toolchain.toml"), "[toolchain]\nchannel = \"nightly-2000-01-01\"\n")
        .unwrap();
    let manifest = std::fs::read_to_string(exercise.join("Cargo.toml")).unwrap();
    std::fs::write(exercise.join("Cargo.toml"), format!("{manifest}\n[build-dependencies]\nserde = \"1\"\n")).unwrap();
    course
        .checker()
        .args(["check", "ex04"])
        .assert()
        .success()
        .stdout(predicates::str::contains("public tests: passed"));
}

/// A copy of the reference solution's src/ of `exercise` in a new folder, with `code` planted
/// right after the first `marker` in its lib.rs: a correct program with one hostile addition.
fn solution_with(exercise: &str, marker: &str, code: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("hostile-").tempdir().unwrap();
    crate::util::copy_tree(&repo().join("solutions").join(exercise).join("src"), &dir.path().join("src"));
    let lib = dir.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    assert!(text.contains(marker), "the reference solution of {exercise} no longer has {marker:?}");
    std::fs::write(&lib, text.replacen(marker, &format!("{marker}{code}"), 1)).unwrap();
    dir
}

/// A pool that is slow on purpose when the check calibrates (one job alone) would make every
/// timing measurement look spoiled by a busy machine, and the check "not judged" instead of
/// failed. The supervisor sees that the machine outside the job was quiet: the check runs once
/// more and then fails, naming the job's own doing.
#[test]
fn spoiling_the_calibration_on_a_quiet_machine_fails() {
    let _serial = serial();
    let slow = r#"        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        // The first two jobs of every nine: the calibration of each measurement.
        if CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % 9 < 2 {
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
"#;
    let dir = solution_with("ex04_pool", "        T: Send + 'static,\n    {\n", slow);
    let report = dir.path().join("report.json");
    // The promise holds on a quiet machine only: while other processes keep the machine busy
    // (the check says how busy), not judged is the right verdict, and the case is tried again.
    let mut result = serde_json::Value::Null;
    for _ in 0..3 {
        // Tests that build nothing run beside this one: start each attempt when they are done.
        crate::util::wait_for_a_quiet_machine();
        checker()
            .args(["submit", "ex04", "--only", "sleeping_jobs_overlap", "--from"])
            .arg(dir.path())
            .arg("--report")
            .arg(&report)
            .timeout(Duration::from_secs(300))
            .output()
            .unwrap();
        result = crate::util::check(&crate::util::read_report(&report), "sleeping_jobs_overlap").clone();
        if result["outcome"] != "not_judged" {
            break;
        }
        let busy = result["measurements"].to_string().contains("processes outside it used at most");
        assert!(busy, "not judged without the machine's load outside the job: {result:#}");
    }
    assert_eq!(result["outcome"], "fail", "{result:#}");
    assert!(result.to_string().contains("your program's own"), "{result:#}");
    assert_no_leftovers();
}

/// A timing check that cannot measure is "not judged" (no points, listed for a regrade), never
/// passed: the reference GIL that uses up every descriptor the first time a GIL is disabled, so
/// that nothing can be read from /proc any more, once passed ex08's speed-up check "not judged".
/// (The check reads the machine's load through a descriptor opened before student code runs, and
/// counts the job's own processes out of it, so busy helper processes gain nothing either.)
#[test]
fn using_up_the_descriptors_does_not_pass_a_timing_check() {
    let _serial = serial();
    let hog = r#"
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            while let Ok(file) = std::fs::File::open("/dev/null") {
                std::mem::forget(file);
            }
        });"#;
    let dir = solution_with("ex08_gil", "    pub fn disabled() -> Gil {", hog);
    let report = dir.path().join("report.json");
    checker()
        .args(["submit", "ex08", "--from"])
        .arg(dir.path())
        .arg("--report")
        .arg(&report)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let report = crate::util::read_report(&report);
    let result = crate::util::check(&report, "cpu_threads_without_gil_run_in_parallel");
    assert_ne!(result["outcome"], "pass", "{result:#}");
    assert_eq!(result["points"], 0, "{result:#}");
    assert_no_leftovers();
}

//! Public tests of ex02_fork: run them with `checker check ex02`,
//! or `cargo test -p ex02_fork` in `exercises/`.
//!
//! Each test runs the program as `ex02_fork <workers> <n>` and checks what it prints. The
//! hidden checks also watch the process tree from outside (how many children, and that each
//! one is reaped); these tests only look at the output.

use std::process::Command;

/// The expected total, computed here independently of the program: the sum, for k in 0..n,
/// of the number of Collatz steps of k + 1.
fn expected_total(n: u64) -> u64 {
    (0..n)
        .map(|k| {
            let (mut x, mut steps) = (k + 1, 0);
            while x != 1 {
                x = match x % 2 {
                    0 => x / 2,
                    _ => 3 * x + 1,
                };
                steps += 1;
            }
            steps
        })
        .sum()
}

/// Runs the program, checks that it exits 0, and returns the values of its `total:` and
/// `parent counter:` lines.
fn run(workers: usize, n: u64) -> (u64, u64) {
    let out = Command::new(env!("CARGO_BIN_EXE_ex02_fork"))
        .args([workers.to_string(), n.to_string()])
        .output()
        .expect("starting the program");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "`ex02_fork {workers} {n}` failed ({}); stdout: {stdout:?}; stderr: {:?}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let value = |prefix: &str| -> u64 {
        let mut found = stdout.lines().filter_map(|l| l.strip_prefix(prefix));
        let text = found
            .next()
            .unwrap_or_else(|| panic!("no `{prefix}` line in {stdout:?}"));
        assert!(
            found.next().is_none(),
            "`{prefix}` printed more than once in {stdout:?}: did a child return into main?"
        );
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("`{prefix} {text}` is not a number"))
    };
    (value("total:"), value("parent counter:"))
}

#[test]
fn correct_total_with_three_workers() {
    let (total, _) = run(3, 3000);
    assert_eq!(total, expected_total(3000));
}

#[test]
fn parent_counter_stays_zero() {
    // Each child adds its share to its *copy* of `counter`: the parent's copy never changes.
    let (total, counter) = run(4, 2000);
    assert_eq!(total, expected_total(2000));
    assert_eq!(
        counter, 0,
        "the parent's counter changed: the shares were added in the parent, not in children"
    );
}

#[test]
fn one_worker_does_everything() {
    let (total, counter) = run(1, 1000);
    assert_eq!((total, counter), (expected_total(1000), 0));
}

#[test]
fn more_workers_than_numbers() {
    // Some shares are empty: those children send 0, and the parent still reads one value
    // from every child.
    let (total, counter) = run(6, 4);
    assert_eq!((total, counter), (expected_total(4), 0));
}

#[test]
fn many_workers_and_uneven_shares() {
    let (total, counter) = run(7, 10_001);
    assert_eq!((total, counter), (expected_total(10_001), 0));
}

//! `ex02_fork <workers> <n>`: sums `work(k)` for `k` in `0..n` in `workers` child processes.
//!
//! Provided: you do not need to change this.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [workers, n] => match (workers.parse::<usize>(), n.parse::<u64>()) {
            (Ok(workers), Ok(n)) if workers > 0 => Some((workers, n)),
            _ => None,
        },
        _ => None,
    };
    let Some((workers, n)) = parsed else {
        eprintln!("usage: ex02_fork <workers> <n>   (workers >= 1, n >= 0)");
        return ExitCode::from(2);
    };

    let outcome = ex02_fork::fork_sum(workers, n);
    println!("total: {}", outcome.total);
    println!("parent counter: {}", outcome.parent_counter);
    ExitCode::SUCCESS
}

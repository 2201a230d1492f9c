//! Timing checks that give the same verdict on a loaded machine.
//!
//! A timing check never compares a duration with a fixed number. It measures, in the same run,
//! a calibration (for example one job alone) and the workload, and judges their ratio. Because a
//! busy machine can still spoil one measurement, [`decide`] measures up to a few times: one good
//! measurement passes, a failure is reported only if no measurement passed, and a check whose
//! every measurement was spoiled (the calibration itself was far off) passes rather than fail a
//! correct solution for the machine's sake.

use std::time::{Duration, Instant};

use crate::{Failure, Verdict};

/// How one measurement came out.
pub enum Judgement {
    /// The measurement shows the expected behaviour.
    Pass,
    /// The measurement was clean and shows the wrong behaviour.
    Fail(Failure),
    /// The measurement cannot be trusted (the calibration was far off): say why.
    Unsure(String),
    /// The code under test failed in a way no re-measurement can change (it panicked, it
    /// returned an error): fail at once.
    Fatal(Failure),
}

/// One measurement: its judgement and a short summary of its numbers for the report.
pub struct Measurement {
    pub judgement: Judgement,
    /// For example "7 jobs: 702 ms = 6.95 x one job (101 ms)".
    pub summary: String,
}

/// Measures with `measure(attempt)` up to `attempts` times (attempt counts from 1) and decides.
///
/// Passes at the first measurement that passes. Fails, with the last clean failure and the
/// summary of every attempt, when no attempt passed and at least one was clean. Passes, with a
/// note on stderr, when no attempt could decide.
pub fn decide(attempts: usize, mut measure: impl FnMut(usize) -> Measurement) -> Verdict {
    let mut summaries = Vec::new();
    let mut last_failure = None;
    for attempt in 1..=attempts.max(1) {
        let m = measure(attempt);
        eprintln!("timing attempt {attempt}: {}", m.summary);
        summaries.push(m.summary);
        match m.judgement {
            Judgement::Pass => return Ok(()),
            Judgement::Fatal(f) => return Err(f),
            Judgement::Fail(f) => last_failure = Some(f),
            Judgement::Unsure(why) => eprintln!("  cannot decide from this measurement: {why}"),
        }
    }
    match last_failure {
        Some(mut f) => {
            if summaries.len() > 1 {
                f.observed = format!("{} (measured {} times: {})", f.observed, summaries.len(), summaries.join("; "));
            }
            Err(f)
        }
        None => {
            eprintln!("the machine was too loaded to measure in {} attempts; not failing for it", summaries.len());
            Ok(())
        }
    }
}

/// Runs `f` and returns its value with the wall time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// A duration in whole milliseconds, for messages ("102 ms").
pub fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

//! Timing checks that give the same verdict on a loaded machine.
//!
//! A timing check never compares a duration with a fixed number. It measures, in the same run,
//! a calibration (for example one job alone) and the workload, and judges their ratio. Because a
//! busy machine can still spoil one measurement, [`decide`] measures up to a few times: one good
//! measurement passes, a failure is reported only if no measurement passed, and a check whose
//! every measurement was spoiled (the calibration itself was far off) is "not judged": neither
//! failing a correct solution for the machine's sake nor passing one that spoiled the
//! measurements itself (an instructor sees it and grades again).

use std::time::{Duration, Instant};

use crate::{Failure, Verdict};

/// How one measurement came out.
pub enum Judgement {
    /// The measurement shows the expected behaviour.
    Pass,
    /// The measurement was clean and shows the wrong behaviour.
    Fail(Failure),
    /// The measurement cannot be trusted because the machine was busy (the calibration was far
    /// off, wake-ups came late): say why.
    Unsure(String),
    /// The situation to measure could not be set up on this machine (its socket buffers took a
    /// whole message, a connection attempt could not be made to hang): say why. Not a busy
    /// machine, so the checker does not compare with the load outside the job.
    CannotMeasure(String),
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
/// summary of every attempt, when no attempt passed and at least one was clean. When no attempt
/// could decide, marks the check [`crate::not_judged_busy`] with the last reason.
pub fn decide(attempts: usize, mut measure: impl FnMut(usize) -> Measurement) -> Verdict {
    let mut summaries = Vec::new();
    let mut last_failure = None;
    let mut last_doubt = String::new();
    let mut busy = false;
    for attempt in 1..=attempts.max(1) {
        let m = measure(attempt);
        eprintln!("timing attempt {attempt}: {}", m.summary);
        summaries.push(m.summary);
        match m.judgement {
            Judgement::Pass => return Ok(()),
            Judgement::Fatal(f) => return Err(f),
            Judgement::Fail(f) => last_failure = Some(f),
            Judgement::Unsure(why) => {
                eprintln!("  cannot decide from this measurement: {why}");
                last_doubt = why;
                busy = true;
            }
            Judgement::CannotMeasure(why) => {
                eprintln!("  cannot measure here: {why}");
                last_doubt = why;
            }
        }
    }
    match last_failure {
        Some(mut f) => {
            if summaries.len() > 1 {
                let (count, summaries) = (summaries.len(), summaries.join("; "));
                f.observed = crate::text!("support-measured-times", observed = f.observed, count, summaries);
            }
            Err(f)
        }
        None => {
            let (count, summaries) = (summaries.len(), summaries.join("; "));
            if busy {
                crate::not_judged_busy(crate::text!("support-too-busy", count, summaries, doubt = last_doubt));
            } else {
                crate::not_judged(crate::text!("support-not-set-up", count, summaries, doubt = last_doubt));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(judgement: Judgement) -> Measurement {
        Measurement { judgement, summary: "a measurement".into() }
    }

    #[test]
    fn one_good_measurement_passes_and_a_clean_failure_fails() {
        let mut attempts = 0;
        let verdict = decide(3, |attempt| {
            attempts = attempt;
            measurement(if attempt == 2 { Judgement::Pass } else { Judgement::Fail(crate::fail("o", "e", "w")) })
        });
        assert!(verdict.is_ok());
        assert_eq!(attempts, 2);
        let verdict = decide(2, |_| measurement(Judgement::Fail(crate::fail("slow", "fast", "why"))));
        assert!(verdict.is_err_and(|f| f.observed.starts_with("slow (measured 2 times")));
    }

    #[test]
    fn a_check_that_cannot_measure_is_not_judged_rather_than_passed() {
        let verdict = decide(2, |_| measurement(Judgement::Unsure("other processes used 1.5 cores".into())));
        // Ok for the check's own flow, but the verdict sent is "not judged" (see `run_one`).
        assert!(verdict.is_ok());
        let marked = crate::NOT_JUDGED.lock().unwrap().take();
        assert!(
            marked.is_some_and(|(why, busy)| busy && why.contains("2 attempts") && why.contains("1.5 cores")),
            "not marked as a busy machine"
        );
    }

    #[test]
    fn a_situation_that_cannot_be_set_up_is_not_judged_but_not_for_a_busy_machine() {
        let verdict = decide(2, |_| measurement(Judgement::CannotMeasure("the buffers took it all".into())));
        assert!(verdict.is_ok());
        let marked = crate::NOT_JUDGED.lock().unwrap().take();
        assert!(marked.is_some_and(|(why, busy)| !busy && why.contains("the buffers took it all")), "not marked");
    }
}

//! What the hidden checks use to observe student code through the facade: the process-wide
//! mode, the recording's questions ([`record`]), and, with the `checker` feature, schedule
//! exploration on shuttle (`explore`, `replay`).

use std::sync::atomic::{AtomicU8, Ordering};

#[cfg(feature = "checker")]
pub use exploration::*;

/// How primitives created from now on behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `std`'s behaviour, nothing recorded (the default).
    Plain,
    /// `std`'s behaviour, with holders, waiters and the lock order recorded ([`record`]).
    Record,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    Plain,
    Record,
    #[cfg(feature = "checker")]
    Explore,
}

const PLAIN: u8 = 0;
const RECORD: u8 = 1;
const EXPLORE: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(PLAIN);

/// Sets how primitives created from now on behave. Primitives keep the behaviour they were
/// created with.
pub fn set_mode(mode: Mode) {
    MODE.store(
        if mode == Mode::Record { RECORD } else { PLAIN },
        Ordering::SeqCst,
    );
}

pub(crate) fn behaviour() -> Behaviour {
    match MODE.load(Ordering::SeqCst) {
        RECORD => Behaviour::Record,
        #[cfg(feature = "checker")]
        EXPLORE => Behaviour::Explore,
        _ => Behaviour::Plain,
    }
}

/// Whether the calling code runs under schedule exploration (never without the feature).
pub(crate) fn explores() -> bool {
    MODE.load(Ordering::SeqCst) == EXPLORE
}

/// Has the recording's sentences (the wait-for and lock-order cycles, the blocked threads, the
/// names of unlabelled locks and unnamed threads) said by `speaker`: the grading pack's
/// catalogs, in the student's language. Without one they are said in English.
pub fn speak_with(speaker: super::registry::Speaker) {
    super::registry::speak_with(speaker);
}

/// Questions about what the recording mode saw.
pub mod record {
    use super::super::registry;

    /// How much the facade was used since the last [`reset`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Stats {
        pub locks_created: usize,
        pub acquisitions: usize,
        pub condvar_waits: usize,
    }

    /// A cycle of threads and locks: a deadlock ([`wait_for_cycle`]) or a potential one
    /// ([`lock_order_cycle`]).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Cycle {
        /// The threads in the cycle, by name.
        pub threads: Vec<String>,
        /// The locks in the cycle, by label (or where they were created).
        pub locks: Vec<String>,
        description: String,
    }

    impl std::fmt::Display for Cycle {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.description)
        }
    }

    fn cycle(found: Option<(Vec<String>, Vec<String>, String)>) -> Option<Cycle> {
        found.map(|(threads, locks, description)| Cycle {
            threads,
            locks,
            description,
        })
    }

    /// Forgets every lock, wait and lock-order edge recorded so far.
    pub fn reset() {
        registry::reset();
    }

    pub fn stats() -> Stats {
        let (locks_created, acquisitions, condvar_waits) = registry::stats();
        Stats {
            locks_created,
            acquisitions,
            condvar_waits,
        }
    }

    /// Runs `f`; the locks this thread creates inside it are called `name` in reports.
    pub fn label_new_locks<R>(name: &str, f: impl FnOnce() -> R) -> R {
        registry::label_new_locks(name, f)
    }

    /// Threads blocked on each other's locks right now, if they form a cycle.
    pub fn wait_for_cycle() -> Option<Cycle> {
        cycle(registry::wait_for_cycle())
    }

    /// A cycle in the order in which locks were taken over the whole recording: a potential
    /// deadlock, even if this run did not hang.
    pub fn lock_order_cycle() -> Option<Cycle> {
        cycle(registry::lock_order_cycle())
    }

    /// One line per thread currently waiting on a recorded lock or condition variable.
    pub fn blocked() -> Vec<String> {
        registry::blocked()
    }
}

/// Schedule exploration on shuttle: only in the hidden checks' build (feature `checker`).
#[cfg(feature = "checker")]
mod exploration {
    use super::{EXPLORE, MODE};
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use shuttle::scheduler::{PctScheduler, RandomScheduler, Scheduler};
    use shuttle::{Config, FailurePersistence, MaxSteps, Runner};

    static OPS: AtomicUsize = AtomicUsize::new(0);

    /// Counts one operation on a facade primitive under exploration.
    pub(crate) fn count_op() {
        OPS.fetch_add(1, Ordering::Relaxed);
    }

    /// Which of shuttle's schedulers picks the interleavings.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Strategy {
        /// A uniformly random choice at every scheduling point.
        Random,
        /// Probabilistic concurrency testing: finds bugs of the given depth with a known probability.
        Pct { depth: usize },
    }

    /// How much to explore.
    #[derive(Debug, Clone, Copy)]
    pub struct Explore {
        pub strategy: Strategy,
        /// At most this many schedules.
        pub schedules: usize,
        /// Every schedule's seed derives from this and its index: the same numbers explore the same
        /// schedules.
        pub seed: u64,
        /// Stop starting new schedules after this long.
        pub time_budget: Duration,
    }

    /// What went wrong in one schedule.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum FailureKind {
        /// Every thread was blocked (a deadlock, or a lost wake-up).
        Deadlock,
        /// A thread panicked (an assertion of the check, or the code under test).
        Panic,
        /// The schedule took too many steps (a busy loop or a livelock).
        TooManySteps,
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ScheduleFailure {
        pub kind: FailureKind,
        /// The panic's message (shuttle's, for a deadlock: which tasks were blocked).
        pub message: String,
        /// Which schedule of the exploration, from 0.
        pub schedule_index: usize,
        /// A token (`random:SEED:INDEX` or `pct3:SEED:INDEX`) that [`replay`] runs again.
        pub replay: String,
    }

    #[derive(Debug, Clone)]
    pub struct Explored {
        pub schedules_run: usize,
        /// Operations on facade primitives seen while exploring: 0 means the code bypassed the facade.
        pub facade_ops: usize,
        pub failure: Option<ScheduleFailure>,
    }

    /// The name of the environment variable with which a student replays one schedule.
    pub const REPLAY_VARIABLE: &str = "CHECKER_SYNC_REPLAY";

    /// The replay token the student asked for, if any.
    pub fn replay_request() -> Option<String> {
        std::env::var(REPLAY_VARIABLE)
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    /// At most one step bound per schedule: enough for any correct exercise, small enough that a
    /// busy loop ends the schedule in well under a second.
    const MAX_STEPS: usize = 200_000;

    /// Runs `scenario` under up to `plan.schedules` thread schedules and stops at the first that
    /// deadlocks, panics or runs away. Threads inside must be `course_sync::thread`s, and the
    /// primitives must be created inside `scenario`.
    pub fn explore(plan: Explore, scenario: impl Fn() + Send + Sync + 'static) -> Explored {
        let scenario: Arc<dyn Fn() + Send + Sync> = Arc::new(scenario);
        let started = Instant::now();
        let ops_before = OPS.load(Ordering::Relaxed);
        let mut run = 0;
        let mut failure = None;
        while run < plan.schedules && (run == 0 || started.elapsed() < plan.time_budget) {
            if let Err((kind, message)) = run_schedule(
                plan.strategy,
                schedule_seed(plan.seed, run),
                scenario.clone(),
            ) {
                failure = Some(ScheduleFailure {
                    kind,
                    message,
                    schedule_index: run,
                    replay: token(plan, run),
                });
                run += 1;
                break;
            }
            run += 1;
        }
        Explored {
            schedules_run: run,
            facade_ops: OPS.load(Ordering::Relaxed) - ops_before,
            failure,
        }
    }

    /// Runs again exactly the schedule a token names.
    pub fn replay(
        wanted: &str,
        scenario: impl Fn() + Send + Sync + 'static,
    ) -> Result<(), ScheduleFailure> {
        let (strategy, seed, index) = parse_token(wanted).unwrap_or_else(|| {
            panic!("{REPLAY_VARIABLE}={wanted:?} is not a replay token (expected e.g. random:1:37 or pct3:1:37)")
        });
        let plan = Explore {
            strategy,
            schedules: 1,
            seed,
            time_budget: Duration::ZERO,
        };
        match run_schedule(strategy, schedule_seed(seed, index), Arc::new(scenario)) {
            Ok(()) => Ok(()),
            Err((kind, message)) => Err(ScheduleFailure {
                kind,
                message,
                schedule_index: index,
                replay: token(plan, index),
            }),
        }
    }

    fn token(plan: Explore, index: usize) -> String {
        match plan.strategy {
            Strategy::Random => format!("random:{}:{index}", plan.seed),
            Strategy::Pct { depth } => format!("pct{depth}:{}:{index}", plan.seed),
        }
    }

    fn parse_token(token: &str) -> Option<(Strategy, u64, usize)> {
        let mut parts = token.split(':');
        let strategy = match parts.next()? {
            "random" => Strategy::Random,
            pct => Strategy::Pct {
                depth: pct.strip_prefix("pct")?.parse().ok()?,
            },
        };
        let seed = parts.next()?.parse().ok()?;
        let index = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((strategy, seed, index))
    }

    /// A well-mixed seed for schedule `index` (splitmix64), so neighbouring schedules differ.
    fn schedule_seed(seed: u64, index: usize) -> u64 {
        let mut z = seed.wrapping_add((index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn run_schedule(
        strategy: Strategy,
        seed: u64,
        scenario: Arc<dyn Fn() + Send + Sync>,
    ) -> Result<(), (FailureKind, String)> {
        match strategy {
            Strategy::Random => run_with(RandomScheduler::new_from_seed(seed, 1), scenario),
            Strategy::Pct { depth } => {
                run_with(PctScheduler::new_from_seed(seed, depth, 1), scenario)
            }
        }
    }

    fn run_with<S: Scheduler + 'static>(
        scheduler: S,
        scenario: Arc<dyn Fn() + Send + Sync>,
    ) -> Result<(), (FailureKind, String)> {
        let mut config = Config::new();
        config.failure_persistence = FailurePersistence::None;
        config.max_steps = MaxSteps::FailAfter(MAX_STEPS);
        config.silence_warnings = true;
        let runner = Runner::new(scheduler, config);
        let before = MODE.swap(EXPLORE, Ordering::SeqCst);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            runner.run(move || scenario());
        }));
        // Back to the mode the check had chosen.
        MODE.store(before, Ordering::SeqCst);
        outcome.map_err(|payload| {
            let message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "(a panic without a message)".to_owned()
            };
            let kind = if message.contains("deadlock") {
                FailureKind::Deadlock
            } else if message.contains("exceeded max_steps") {
                FailureKind::TooManySteps
            } else {
                FailureKind::Panic
            };
            (kind, message)
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn tokens_round_trip() {
            let plan = Explore {
                strategy: Strategy::Pct { depth: 3 },
                schedules: 1,
                seed: 42,
                time_budget: Duration::ZERO,
            };
            assert_eq!(
                parse_token(&token(plan, 7)),
                Some((Strategy::Pct { depth: 3 }, 42, 7))
            );
            assert_eq!(parse_token("random:1:2"), Some((Strategy::Random, 1, 2)));
            assert_eq!(parse_token("random:1"), None);
            assert_eq!(parse_token("lifo:1:2"), None);
        }
    }
}

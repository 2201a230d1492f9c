//! Schedule exploration for the hidden checks of the synchronisation exercises (ex05–ex08),
//! through the `course_sync` facade in its checker build (the checker links this library with
//! the course's own course_sync and its hidden-check features, the very crate the student's
//! code locks through).
//!
//! A check using it:
//! 1. verifies on a real thread, in the facade's recording mode, that the student's code locks
//!    course_sync primitives at all ([`uses_facade`]): code importing std::sync directly would
//!    block shuttle's single thread for ever instead of being explored;
//! 2. explores its scenario under shuttle's random scheduler, then under PCT ([`explore`]),
//!    and explains the first failing schedule with the token that replays it;
//! 3. or, when the student set CHECKER_SYNC_REPLAY, runs only that schedule again. A replay
//!    never passes the check: one schedule proves nothing about the others.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use crate::watch::{self, Next};
use crate::{Failure, Verdict};
use course_sync::check::{self, record, Explore, Mode, ScheduleFailure, Strategy};

/// Runs `probe` (which creates the student's type and uses it a little) on a thread of its
/// own in recording mode; the number of course_sync lock acquisitions it made, or how the
/// probe failed to return within `limit` (a panic text, or `None` for a hang).
pub fn uses_facade<T: Send + 'static>(
    limit: Duration,
    probe: impl FnOnce() -> T + Send + 'static,
) -> Result<usize, Option<String>> {
    check::set_mode(Mode::Record);
    record::reset();
    let outcome = watch::call("facade-probe", probe).outcome(limit);
    let acquisitions = record::stats().acquisitions;
    check::set_mode(Mode::Plain);
    match outcome {
        Next::Item(_) => Ok(acquisitions),
        Next::Panicked(message) => Err(Some(message)),
        Next::TimedOut | Next::Ended => Err(None),
    }
}

/// What a check explores and how it explains a failure.
pub struct Exploration<'a> {
    /// The exercise's short id for the replay command line ("ex05").
    pub exercise: &'a str,
    /// Seeds of the explored schedules: fixed, so every run explores the same ones.
    pub seed: u64,
    /// The scenario, run once per schedule. Its threads must be course_sync threads.
    pub scenario: fn(),
    /// The explanation of a failing schedule; the second argument says where it was found
    /// ("found in schedule 7 of 300 (...; replay: ...)" or "replayed schedule ... only").
    pub explain: &'a dyn Fn(&ScheduleFailure, &str) -> Failure,
    /// The explanation when the explored code did no operation on a course_sync primitive.
    pub bypass: Failure,
}

/// Explores (or replays, if the student asked) and gives the check's verdict.
pub fn explore(plan: &Exploration) -> Verdict {
    if let Some(token) = check::replay_request() {
        return replay(plan, &token);
    }
    let budgets = [
        Explore {
            strategy: Strategy::Random,
            schedules: 300,
            seed: plan.seed,
            time_budget: Duration::from_millis(1500),
        },
        Explore {
            strategy: Strategy::Pct { depth: 3 },
            schedules: 200,
            seed: plan.seed,
            time_budget: Duration::from_millis(1000),
        },
    ];
    let mut total = 0;
    for budget in budgets {
        let explored = check::explore(budget, plan.scenario);
        total += explored.schedules_run;
        if explored.facade_ops == 0 {
            return Err(plan.bypass.clone());
        }
        if let Some(failure) = explored.failure {
            let strategy = match budget.strategy {
                Strategy::Random => crate::text!("support-explore-random"),
                Strategy::Pct { depth } => crate::text!("support-explore-pct", depth),
            };
            let found = crate::text!(
                "support-explore-found",
                index = failure.schedule_index,
                schedules = budget.schedules,
                strategy,
                variable = check::REPLAY_VARIABLE,
                token = &failure.replay,
                exercise = plan.exercise
            );
            return Err((plan.explain)(&failure, &found));
        }
    }
    crate::measured(crate::text!("support-explore-measured", total));
    Ok(())
}

fn replay(plan: &Exploration, token: &str) -> Verdict {
    let replayed = panic::catch_unwind(AssertUnwindSafe(|| check::replay(token, plan.scenario)));
    let variable = check::REPLAY_VARIABLE;
    let how = crate::text!("support-explore-replayed", token, variable);
    match replayed {
        // check::replay panics only for a token it cannot read.
        Err(payload) => Err(crate::failure!("support-explore-bad-token", panic = watch::panic_text(payload.as_ref()))),
        Ok(Err(failure)) => Err((plan.explain)(&failure, &how)),
        Ok(Ok(())) => Err(crate::failure!("support-explore-replay-passed", how, variable)),
    }
}

/// What each thread of an explored scenario was doing last, so that a failure can be told as
/// "producer-1 in put(11), consumer-2 in get() ...". Shuttle runs one schedule at a time and
/// never switches threads inside these short critical sections, so a std Mutex is fine here;
/// after a failing schedule it still holds that schedule's last state.
pub struct Doing;

static DOING: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

impl Doing {
    /// Forgets everything: the start of a schedule.
    pub fn reset() {
        DOING.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// `who` is now doing `what` ("finished" once it is done).
    pub fn now(who: &str, what: impl Into<String>) {
        let what = what.into();
        let mut doing = DOING.lock().unwrap_or_else(|e| e.into_inner());
        match doing.iter_mut().find(|(w, _)| w == who) {
            Some(entry) => entry.1 = what,
            None => doing.push((who.to_owned(), what)),
        }
    }

    /// Whether some thread is doing something that starts with `what`.
    pub fn any(what: &str) -> bool {
        DOING.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|(_, w)| w.starts_with(what))
    }

    /// Whether `who` is doing exactly `what`.
    pub fn is(who: &str, what: &str) -> bool {
        DOING.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|(w, d)| w == who && d == what)
    }

    /// "consumer-1 in get(), main waiting for the producers to finish, producer-1 in put(11)":
    /// every thread not finished, by name.
    pub fn last() -> String {
        let doing = DOING.lock().unwrap_or_else(|e| e.into_inner());
        let mut parts: Vec<String> =
            doing.iter().filter(|(_, what)| what != "finished").map(|(who, what)| format!("{who} {what}")).collect();
        parts.sort();
        parts.join(", ")
    }
}

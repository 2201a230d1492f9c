//! Wakers that observe a hand-written future: how often it woke its task, and which of the
//! wakers it was given it woke.
//!
//! The `Future` contract says that only the waker of the most recent poll that returned
//! `Pending` must be woken. Polling by hand with a fresh, numbered waker every time turns that
//! contract into a number to compare: when the last `Pending` came from poll L, some waker
//! numbered L or later must be woken. A future that keeps the first waker, or that checks its
//! state and stores its waker in two critical sections (a lost wake-up when its timer finishes
//! in between), wakes an older one or none.
//!
//! When the checks themselves make the event a future waits for (they resolve a promise from a
//! thread of their own), they know when it has happened, and [`poll_racing`] judges each poll
//! exactly: a poll that returned `Pending` after the event (or while it happened) must have its
//! own waker woken. That also passes futures that hand the duty to wake over to the next poll
//! (tokio's oneshot takes the old waker out before it stores the new one), which the coarser
//! "L or later" rule of [`poll_tightly`]'s callers would not.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// Polls `future` once with `waker`.
pub fn poll_with<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

/// A waker that counts its wake-ups and unparks the thread that made it.
pub struct Counting {
    woken: AtomicUsize,
    waiter: Thread,
}

impl Counting {
    /// A new counting waker; waking it unparks the calling thread.
    pub fn new() -> Arc<Counting> {
        Arc::new(Counting { woken: AtomicUsize::new(0), waiter: std::thread::current() })
    }

    /// A `Waker` that wakes this one.
    pub fn waker(self: &Arc<Self>) -> Waker {
        Waker::from(Arc::clone(self))
    }

    /// How many times it was woken so far.
    pub fn woken(&self) -> usize {
        self.woken.load(Ordering::SeqCst)
    }

    /// Waits (on the thread that made it) until it has been woken at least once, for `within`
    /// at most; whether it was.
    pub fn wait_woken(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while self.woken() == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            std::thread::park_timeout(left);
        }
        true
    }
}

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.fetch_add(1, Ordering::SeqCst);
        self.waiter.unpark();
    }
}

/// The wakers of one future polled by hand, numbered by poll: which was the latest woken.
pub struct Numbered {
    latest_woken: AtomicIsize,
    waiter: Thread,
}

/// One waker of a [`Numbered`] family.
struct NumberedWaker {
    poll: isize,
    family: Arc<Numbered>,
}

impl Wake for NumberedWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.family.latest_woken.fetch_max(self.poll, Ordering::SeqCst);
        self.family.waiter.unpark();
    }
}

impl Numbered {
    /// A new family; waking any of its wakers unparks the calling thread.
    pub fn new() -> Arc<Numbered> {
        Arc::new(Numbered { latest_woken: AtomicIsize::new(-1), waiter: std::thread::current() })
    }

    /// The waker for poll number `poll` (from 0).
    pub fn waker(self: &Arc<Self>, poll: isize) -> Waker {
        Waker::from(Arc::new(NumberedWaker { poll, family: Arc::clone(self) }))
    }

    /// The number of the latest poll whose waker was woken, if any was.
    pub fn latest_woken(&self) -> Option<isize> {
        let latest = self.latest_woken.load(Ordering::SeqCst);
        (latest >= 0).then_some(latest)
    }

    /// Waits (on the thread that made the family) until the waker of poll `poll` or of a later
    /// one has been woken, for `within` at most; whether it was.
    pub fn wait_woken_from(&self, poll: isize, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while self.latest_woken.load(Ordering::SeqCst) < poll {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            std::thread::park_timeout(left);
        }
        true
    }
}

/// How polling a future in a tight loop, with a new numbered waker every time, ended.
#[derive(Debug, PartialEq, Eq)]
pub enum TightPolls {
    /// Ready at poll number `ready_at`; the last poll that returned `Pending` was
    /// `last_pending` (none: ready at the first poll).
    Ready { ready_at: isize, last_pending: Option<isize> },
    /// Still `Pending` after `polls` polls.
    StillPending { polls: isize },
}

/// Polls `future` again and again, each time with the next waker of `family`, until it is
/// ready or `max_polls` polls were made. Tight polls make whatever finishes the future (a timer
/// thread) do so at every point of `poll`, the way real executors' spurious polls do.
pub fn poll_tightly<F: Future + ?Sized>(
    mut future: Pin<&mut F>,
    family: &Arc<Numbered>,
    max_polls: isize,
) -> TightPolls {
    let mut last_pending = None;
    for poll in 0..max_polls {
        if poll_with(future.as_mut(), &family.waker(poll)).is_ready() {
            return TightPolls::Ready { ready_at: poll, last_pending };
        }
        last_pending = Some(poll);
    }
    TightPolls::StillPending { polls: max_polls }
}

/// How polling a future while another thread makes what it waits for happen ended.
#[derive(Debug, PartialEq, Eq)]
pub enum RacedPolls {
    /// Ready at poll number `ready_at`.
    Ready { ready_at: isize },
    /// Poll number `poll` returned `Pending` once the other thread had acted, and its waker was
    /// not woken in time: a lost wake-up (`latest_woken`: the latest waker woken, if any).
    Lost { poll: isize, latest_woken: Option<isize> },
    /// Still `Pending` after `polls` polls, every wake-up answered with a poll.
    StillPending { polls: isize },
}

/// Polls `future` in a tight loop, each time with the next waker of `family`, while another
/// thread makes what it waits for happen and then sets `acted`. While `acted` is unset, a
/// `Pending` poll is followed by another at once: a spurious poll, as real executors make, which
/// hands the duty to wake over to the new waker, and makes the other thread act at every point
/// of `poll`. Once a poll returns `Pending` with `acted` set (it acted before or during that
/// poll), no poll follows until that poll's own waker is woken (within `within`), as an
/// executor would wait; the woken future is then polled again.
pub fn poll_racing<F: Future + ?Sized>(
    mut future: Pin<&mut F>,
    family: &Arc<Numbered>,
    acted: &AtomicBool,
    max_polls: isize,
    within: Duration,
) -> RacedPolls {
    for poll in 0..max_polls {
        if poll_with(future.as_mut(), &family.waker(poll)).is_ready() {
            return RacedPolls::Ready { ready_at: poll };
        }
        if acted.load(Ordering::SeqCst) && !family.wait_woken_from(poll, within) {
            return RacedPolls::Lost { poll, latest_woken: family.latest_woken() };
        }
    }
    RacedPolls::StillPending { polls: max_polls }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// How the test timer's `poll` goes about its waker.
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        /// Checks `done` and stores its waker in one critical section.
        Correct,
        /// Checks `done` and stores its waker under two separate locks: a lost wake-up.
        Lose,
        /// Stores only the first waker it is given.
        KeepFirst,
        /// Takes the old waker out, then checks `done` and stores the new one (as tokio's
        /// oneshot does): correct, though the old waker may never be woken.
        HandOff,
    }

    /// A timer future: a thread sets `done` after `after`, wakes the stored waker, then sets
    /// `acted`.
    struct Timer {
        shared: Arc<Mutex<(bool, Option<Waker>)>>,
        kind: Kind,
        acted: Arc<AtomicBool>,
    }

    impl Timer {
        fn new(after: Duration, kind: Kind) -> Timer {
            let shared: Arc<Mutex<(bool, Option<Waker>)>> = Arc::new(Mutex::new((false, None)));
            let acted = Arc::new(AtomicBool::new(false));
            let (timer, flag) = (Arc::clone(&shared), Arc::clone(&acted));
            std::thread::spawn(move || {
                std::thread::sleep(after);
                let waker = {
                    let mut state = timer.lock().unwrap();
                    state.0 = true;
                    state.1.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
                flag.store(true, Ordering::SeqCst);
            });
            Timer { shared, kind, acted }
        }
    }

    impl Future for Timer {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            match self.kind {
                Kind::Lose => {
                    if self.shared.lock().unwrap().0 {
                        return Poll::Ready(());
                    }
                    // The window: the timer may finish here and find no waker (or an old one).
                    std::thread::yield_now();
                    self.shared.lock().unwrap().1 = Some(cx.waker().clone());
                    Poll::Pending
                }
                Kind::HandOff => {
                    drop(self.shared.lock().unwrap().1.take());
                    // The timer may finish here, find no waker, and wake nobody: the check
                    // below sees `done`.
                    std::thread::yield_now();
                    let mut state = self.shared.lock().unwrap();
                    if state.0 {
                        return Poll::Ready(());
                    }
                    state.1 = Some(cx.waker().clone());
                    Poll::Pending
                }
                Kind::Correct | Kind::KeepFirst => {
                    let mut state = self.shared.lock().unwrap();
                    if state.0 {
                        return Poll::Ready(());
                    }
                    if !(self.kind == Kind::KeepFirst && state.1.is_some()) {
                        state.1 = Some(cx.waker().clone());
                    }
                    Poll::Pending
                }
            }
        }
    }

    #[test]
    fn a_counting_waker_counts_and_wakes_its_thread() {
        let counting = Counting::new();
        let waker = counting.waker();
        assert!(!counting.wait_woken(Duration::from_millis(10)));
        std::thread::spawn(move || waker.wake()).join().unwrap();
        assert!(counting.wait_woken(Duration::from_secs(5)));
        counting.waker().wake_by_ref();
        assert_eq!(counting.woken(), 2);
    }

    #[test]
    fn numbered_wakers_report_the_latest_woken() {
        let family = Numbered::new();
        assert_eq!(family.latest_woken(), None);
        family.waker(3).wake();
        family.waker(1).wake();
        assert_eq!(family.latest_woken(), Some(3));
        assert!(family.wait_woken_from(3, Duration::from_millis(1)));
        assert!(!family.wait_woken_from(4, Duration::from_millis(10)));
    }

    #[test]
    fn a_correct_timer_wakes_the_latest_pending_polls_waker() {
        for _ in 0..200 {
            let family = Numbered::new();
            let mut timer = Box::pin(Timer::new(Duration::from_micros(20), Kind::Correct));
            match poll_tightly(timer.as_mut(), &family, 1_000_000) {
                TightPolls::Ready { last_pending: Some(last), .. } => {
                    assert!(family.wait_woken_from(last, Duration::from_secs(5)));
                }
                TightPolls::Ready { last_pending: None, .. } => {}
                TightPolls::StillPending { polls } => panic!("still pending after {polls} polls"),
            }
        }
    }

    #[test]
    fn a_timer_that_keeps_the_first_waker_is_seen() {
        let family = Numbered::new();
        let mut timer = Box::pin(Timer::new(Duration::from_millis(50), Kind::KeepFirst));
        assert!(poll_with(timer.as_mut(), &family.waker(0)).is_pending());
        assert!(poll_with(timer.as_mut(), &family.waker(1)).is_pending());
        assert!(!family.wait_woken_from(1, Duration::from_secs(1)));
        assert_eq!(family.latest_woken(), Some(0));
    }

    #[test]
    fn a_lost_wake_up_shows_within_many_tight_rounds() {
        let mut lost = false;
        for _ in 0..5_000 {
            let family = Numbered::new();
            let mut timer = Box::pin(Timer::new(Duration::from_micros(5), Kind::Lose));
            if let TightPolls::Ready { last_pending: Some(last), .. } = poll_tightly(timer.as_mut(), &family, 1_000_000)
            {
                if !family.wait_woken_from(last, Duration::from_millis(200)) {
                    lost = true;
                    break;
                }
            }
        }
        assert!(lost, "5000 rounds never showed the lost wake-up");
    }

    /// Whether any of `rounds` rounds of `kind` timers of 0-19 us, raced by `poll_racing`,
    /// lost a wake-up.
    fn any_lost(kind: Kind, rounds: u64) -> bool {
        (0..rounds).any(|round| {
            let family = Numbered::new();
            let mut timer = Box::pin(Timer::new(Duration::from_micros(round % 20), kind));
            let acted = Arc::clone(&timer.acted);
            match poll_racing(timer.as_mut(), &family, &acted, 10_000_000, Duration::from_millis(200)) {
                RacedPolls::Ready { .. } => false,
                RacedPolls::Lost { .. } => true,
                RacedPolls::StillPending { polls } => panic!("still pending after {polls} polls"),
            }
        })
    }

    #[test]
    fn racing_polls_pass_correct_timers_and_those_that_hand_the_waker_over() {
        assert!(!any_lost(Kind::Correct, 1_000));
        assert!(!any_lost(Kind::HandOff, 3_000));
    }

    #[test]
    fn racing_polls_see_a_lost_wake_up() {
        assert!(any_lost(Kind::Lose, 5_000), "5000 rounds never showed the lost wake-up");
    }

    #[test]
    fn the_coarse_rule_would_fail_a_timer_that_hands_the_waker_over() {
        // Why `poll_racing` exists: "the waker of the latest Pending poll or a later one" is
        // not the contract when the next poll took the duty over and was Ready.
        let mut missed = false;
        for round in 0..20_000 {
            let family = Numbered::new();
            let mut timer = Box::pin(Timer::new(Duration::from_micros(round % 20), Kind::HandOff));
            if let TightPolls::Ready { last_pending: Some(last), .. } =
                poll_tightly(timer.as_mut(), &family, 10_000_000)
            {
                if !family.wait_woken_from(last, Duration::from_millis(50)) {
                    missed = true;
                    break;
                }
            }
        }
        assert!(missed, "20000 rounds never showed a hand-over");
    }
}

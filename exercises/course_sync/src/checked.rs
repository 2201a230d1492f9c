//! The facade: the same names and methods as `std::sync` and `std::thread`, but each primitive
//! picks, when it is created, one of three behaviours from the process-wide [`check::Mode`]:
//!
//! - plain: `std`'s primitive, nothing recorded (the default, and all a student's own run sees);
//! - record: `std`'s primitive plus bookkeeping in [`check::record`] — who holds and who waits
//!   for each lock, and the order in which each thread took locks (a lock-order graph);
//! - explore (feature `checker` only): shuttle's primitive, while `check::explore` runs the code
//!   under many thread schedules.
//!
//! Choosing at construction (not per call) keeps one build for every hidden check, and keeps a
//! primitive consistent for its whole life. The student's build is this same code without the
//! explore variants (`#[cfg(feature = "checker")]`): what builds for the student builds for the
//! checks. Before, the student's build was `std::sync` itself, and a `static` lock (`std`'s
//! `new` is a `const fn`) built for the student but not for the checks.

use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::time::Duration;

pub use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

pub mod check;
mod registry;

use check::Behaviour;
use registry::{LockId, OwnCondvar, OwnLock};

type Site = &'static Location<'static>;

fn poisoned<G, H>(result: LockResult<G>, wrap: impl FnOnce(G) -> H) -> LockResult<H> {
    match result {
        Ok(guard) => Ok(wrap(guard)),
        Err(poison) => Err(PoisonError::new(wrap(poison.into_inner()))),
    }
}

/// Takes a recorded lock through `take`: the thread is shown waiting for it, then holding it.
fn take_recorded<G>(record: Option<LockId>, site: Site, take: impl FnOnce() -> G) -> G {
    if let Some(id) = record {
        registry::waits_for_lock(id, site);
    }
    let taken = take();
    if let Some(id) = record {
        registry::acquired(id, site);
    }
    taken
}

/// The lock's number in the recording, if it is recorded.
fn id_of(record: &Option<OwnLock>) -> Option<LockId> {
    record.as_ref().map(OwnLock::id)
}

/// A guard of a recorded lock went away.
fn release_recorded(record: Option<LockId>) {
    if let Some(id) = record {
        registry::released(id);
    }
}

#[cfg(feature = "checker")]
fn mixed() -> ! {
    panic!(
        "a course_sync primitive created outside check::explore was used with one created inside it: \
         create every primitive inside the explored closure"
    )
}

// ---------------------------------------------------------------------------------------------
// Mutex

/// A mutual-exclusion lock, as `std::sync::Mutex`.
pub struct Mutex<T> {
    record: Option<OwnLock>,
    imp: MutexImp<T>,
}

enum MutexImp<T> {
    Std(std::sync::Mutex<T>),
    #[cfg(feature = "checker")]
    Model(shuttle::sync::Mutex<T>),
}

/// The lock of a [`Mutex`], held until dropped.
pub struct MutexGuard<'a, T> {
    record: Option<LockId>,
    imp: Option<MutexGuardImp<'a, T>>,
}

enum MutexGuardImp<'a, T> {
    Std(std::sync::MutexGuard<'a, T>),
    #[cfg(feature = "checker")]
    Model(shuttle::sync::MutexGuard<'a, T>),
}

impl<T> Mutex<T> {
    #[track_caller]
    pub fn new(value: T) -> Mutex<T> {
        match check::behaviour() {
            Behaviour::Plain => Mutex {
                record: None,
                imp: MutexImp::Std(std::sync::Mutex::new(value)),
            },
            Behaviour::Record => Mutex {
                record: Some(registry::new_lock(Location::caller(), "Mutex")),
                imp: MutexImp::Std(std::sync::Mutex::new(value)),
            },
            #[cfg(feature = "checker")]
            Behaviour::Explore => Mutex {
                record: None,
                imp: MutexImp::Model(shuttle::sync::Mutex::new(value)),
            },
        }
    }

    #[track_caller]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        let site = Location::caller();
        match &self.imp {
            MutexImp::Std(inner) => {
                let result = take_recorded(id_of(&self.record), site, || inner.lock());
                poisoned(result, |g| MutexGuard {
                    record: id_of(&self.record),
                    imp: Some(MutexGuardImp::Std(g)),
                })
            }
            #[cfg(feature = "checker")]
            MutexImp::Model(inner) => {
                check::count_op();
                poisoned(inner.lock(), |g| MutexGuard {
                    record: None,
                    imp: Some(MutexGuardImp::Model(g)),
                })
            }
        }
    }

    #[track_caller]
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        let site = Location::caller();
        let result = match &self.imp {
            MutexImp::Std(inner) => match inner.try_lock() {
                Ok(g) => Ok(MutexGuardImp::Std(g)),
                Err(TryLockError::WouldBlock) => Err(TryLockError::WouldBlock),
                Err(TryLockError::Poisoned(p)) => Err(TryLockError::Poisoned(PoisonError::new(
                    MutexGuardImp::Std(p.into_inner()),
                ))),
            },
            #[cfg(feature = "checker")]
            MutexImp::Model(inner) => {
                check::count_op();
                match inner.try_lock() {
                    Ok(g) => Ok(MutexGuardImp::Model(g)),
                    Err(TryLockError::WouldBlock) => Err(TryLockError::WouldBlock),
                    Err(TryLockError::Poisoned(p)) => Err(TryLockError::Poisoned(
                        PoisonError::new(MutexGuardImp::Model(p.into_inner())),
                    )),
                }
            }
        };
        let wrap = |imp| {
            if let Some(id) = id_of(&self.record) {
                registry::try_acquired(id, site);
            }
            MutexGuard {
                record: id_of(&self.record),
                imp: Some(imp),
            }
        };
        match result {
            Ok(imp) => Ok(wrap(imp)),
            Err(TryLockError::WouldBlock) => Err(TryLockError::WouldBlock),
            Err(TryLockError::Poisoned(p)) => Err(TryLockError::Poisoned(PoisonError::new(wrap(
                p.into_inner(),
            )))),
        }
    }

    pub fn is_poisoned(&self) -> bool {
        match &self.imp {
            MutexImp::Std(inner) => inner.is_poisoned(),
            // Shuttle's model does not track poisoning: a panic there ends the schedule anyway.
            #[cfg(feature = "checker")]
            MutexImp::Model(_) => false,
        }
    }

    pub fn into_inner(self) -> LockResult<T> {
        match self.imp {
            MutexImp::Std(inner) => inner.into_inner(),
            #[cfg(feature = "checker")]
            MutexImp::Model(inner) => inner.into_inner(),
        }
    }

    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        match &mut self.imp {
            MutexImp::Std(inner) => inner.get_mut(),
            #[cfg(feature = "checker")]
            MutexImp::Model(inner) => inner.get_mut(),
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    #[track_caller]
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    #[track_caller]
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T> std::fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mutex").finish_non_exhaustive()
    }
}

impl<T> MutexGuard<'_, T> {
    fn imp(&self) -> &MutexGuardImp<'_, T> {
        self.imp
            .as_ref()
            .expect("a guard is whole until it is dropped or waited on")
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self.imp() {
            MutexGuardImp::Std(g) => g,
            #[cfg(feature = "checker")]
            MutexGuardImp::Model(g) => g,
        }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self
            .imp
            .as_mut()
            .expect("a guard is whole until it is dropped or waited on")
        {
            MutexGuardImp::Std(g) => g,
            #[cfg(feature = "checker")]
            MutexGuardImp::Model(g) => g,
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(imp) = self.imp.take() {
            drop(imp);
            release_recorded(self.record);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Condvar

/// A condition variable, as `std::sync::Condvar`.
pub struct Condvar {
    record: Option<OwnCondvar>,
    imp: CondvarImp,
}

enum CondvarImp {
    Std(std::sync::Condvar),
    #[cfg(feature = "checker")]
    Model(shuttle::sync::Condvar),
}

/// Whether a timed wait returned because its time was up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Condvar {
    #[track_caller]
    pub fn new() -> Condvar {
        match check::behaviour() {
            Behaviour::Plain => Condvar {
                record: None,
                imp: CondvarImp::Std(std::sync::Condvar::new()),
            },
            Behaviour::Record => Condvar {
                record: Some(registry::new_condvar(Location::caller())),
                imp: CondvarImp::Std(std::sync::Condvar::new()),
            },
            #[cfg(feature = "checker")]
            Behaviour::Explore => Condvar {
                record: None,
                imp: CondvarImp::Model(shuttle::sync::Condvar::new()),
            },
        }
    }

    /// Releases the guard's lock, waits, and takes the lock again; the bookkeeping shows the
    /// thread waiting on this condition variable, not holding the lock.
    #[track_caller]
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        self.wait_inner(guard, None)
            .map(|(g, _)| g)
            .map_err(|p| PoisonError::new(p.into_inner().0))
    }

    #[track_caller]
    pub fn wait_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: F,
    ) -> LockResult<MutexGuard<'a, T>>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }

    #[track_caller]
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        self.wait_inner(guard, Some(timeout))
    }

    #[track_caller]
    pub fn wait_timeout_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        timeout: Duration,
        mut condition: F,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)>
    where
        F: FnMut(&mut T) -> bool,
    {
        let deadline = std::time::Instant::now() + timeout;
        while condition(&mut *guard) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok((guard, WaitTimeoutResult(true)));
            }
            guard = self.wait_timeout(guard, left)?.0;
        }
        Ok((guard, WaitTimeoutResult(false)))
    }

    #[track_caller]
    fn wait_inner<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        timeout: Option<Duration>,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let site = Location::caller();
        let lock = guard.record;
        let imp = guard
            .imp
            .take()
            .expect("a guard is whole until it is dropped or waited on");
        drop(guard);
        match (&self.imp, imp) {
            (CondvarImp::Std(cv), MutexGuardImp::Std(g)) => {
                release_recorded(lock);
                if let Some(cond) = &self.record {
                    registry::waits_on_condvar(cond.id(), lock, site);
                }
                let (result, timed_out) = match timeout {
                    None => (cv.wait(g), false),
                    Some(limit) => match cv.wait_timeout(g, limit) {
                        Ok((g, r)) => (Ok(g), r.timed_out()),
                        Err(p) => {
                            let (g, r) = p.into_inner();
                            (Err(PoisonError::new(g)), r.timed_out())
                        }
                    },
                };
                if let Some(id) = lock {
                    registry::acquired(id, site);
                } else if self.record.is_some() {
                    registry::woke();
                }
                poisoned(result, |g| {
                    (
                        MutexGuard {
                            record: lock,
                            imp: Some(MutexGuardImp::Std(g)),
                        },
                        WaitTimeoutResult(timed_out),
                    )
                })
            }
            #[cfg(feature = "checker")]
            (CondvarImp::Model(cv), MutexGuardImp::Model(g)) => {
                check::count_op();
                let (result, timed_out) = match timeout {
                    None => (cv.wait(g), false),
                    Some(limit) => match cv.wait_timeout(g, limit) {
                        Ok((g, r)) => (Ok(g), r.timed_out()),
                        Err(p) => {
                            let (g, r) = p.into_inner();
                            (Err(PoisonError::new(g)), r.timed_out())
                        }
                    },
                };
                poisoned(result, |g| {
                    (
                        MutexGuard {
                            record: None,
                            imp: Some(MutexGuardImp::Model(g)),
                        },
                        WaitTimeoutResult(timed_out),
                    )
                })
            }
            #[cfg(feature = "checker")]
            _ => mixed(),
        }
    }

    pub fn notify_one(&self) {
        match &self.imp {
            CondvarImp::Std(cv) => cv.notify_one(),
            #[cfg(feature = "checker")]
            CondvarImp::Model(cv) => {
                check::count_op();
                cv.notify_one()
            }
        }
    }

    pub fn notify_all(&self) {
        match &self.imp {
            CondvarImp::Std(cv) => cv.notify_all(),
            #[cfg(feature = "checker")]
            CondvarImp::Model(cv) => {
                check::count_op();
                cv.notify_all()
            }
        }
    }
}

impl Default for Condvar {
    #[track_caller]
    fn default() -> Condvar {
        Condvar::new()
    }
}

impl std::fmt::Debug for Condvar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Condvar").finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// RwLock

/// A reader-writer lock, as `std::sync::RwLock`. Recorded as one lock: readers and writers
/// both count as holders.
pub struct RwLock<T> {
    record: Option<OwnLock>,
    imp: RwLockImp<T>,
}

enum RwLockImp<T> {
    Std(std::sync::RwLock<T>),
    #[cfg(feature = "checker")]
    Model(shuttle::sync::RwLock<T>),
}

pub struct RwLockReadGuard<'a, T> {
    record: Option<LockId>,
    imp: Option<ReadImp<'a, T>>,
}

enum ReadImp<'a, T> {
    Std(std::sync::RwLockReadGuard<'a, T>),
    #[cfg(feature = "checker")]
    Model(shuttle::sync::RwLockReadGuard<'a, T>),
}

pub struct RwLockWriteGuard<'a, T> {
    record: Option<LockId>,
    imp: Option<WriteImp<'a, T>>,
}

enum WriteImp<'a, T> {
    Std(std::sync::RwLockWriteGuard<'a, T>),
    #[cfg(feature = "checker")]
    Model(shuttle::sync::RwLockWriteGuard<'a, T>),
}

impl<T> RwLock<T> {
    #[track_caller]
    pub fn new(value: T) -> RwLock<T> {
        match check::behaviour() {
            Behaviour::Plain => RwLock {
                record: None,
                imp: RwLockImp::Std(std::sync::RwLock::new(value)),
            },
            Behaviour::Record => RwLock {
                record: Some(registry::new_lock(Location::caller(), "RwLock")),
                imp: RwLockImp::Std(std::sync::RwLock::new(value)),
            },
            #[cfg(feature = "checker")]
            Behaviour::Explore => RwLock {
                record: None,
                imp: RwLockImp::Model(shuttle::sync::RwLock::new(value)),
            },
        }
    }

    #[track_caller]
    pub fn read(&self) -> LockResult<RwLockReadGuard<'_, T>> {
        let site = Location::caller();
        match &self.imp {
            RwLockImp::Std(inner) => {
                let result = take_recorded(id_of(&self.record), site, || inner.read());
                poisoned(result, |g| RwLockReadGuard {
                    record: id_of(&self.record),
                    imp: Some(ReadImp::Std(g)),
                })
            }
            #[cfg(feature = "checker")]
            RwLockImp::Model(inner) => {
                check::count_op();
                poisoned(inner.read(), |g| RwLockReadGuard {
                    record: None,
                    imp: Some(ReadImp::Model(g)),
                })
            }
        }
    }

    #[track_caller]
    pub fn write(&self) -> LockResult<RwLockWriteGuard<'_, T>> {
        let site = Location::caller();
        match &self.imp {
            RwLockImp::Std(inner) => {
                let result = take_recorded(id_of(&self.record), site, || inner.write());
                poisoned(result, |g| RwLockWriteGuard {
                    record: id_of(&self.record),
                    imp: Some(WriteImp::Std(g)),
                })
            }
            #[cfg(feature = "checker")]
            RwLockImp::Model(inner) => {
                check::count_op();
                poisoned(inner.write(), |g| RwLockWriteGuard {
                    record: None,
                    imp: Some(WriteImp::Model(g)),
                })
            }
        }
    }

    pub fn into_inner(self) -> LockResult<T> {
        match self.imp {
            RwLockImp::Std(inner) => inner.into_inner(),
            #[cfg(feature = "checker")]
            RwLockImp::Model(inner) => inner.into_inner(),
        }
    }

    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        match &mut self.imp {
            RwLockImp::Std(inner) => inner.get_mut(),
            #[cfg(feature = "checker")]
            RwLockImp::Model(inner) => inner.get_mut(),
        }
    }
}

impl<T: Default> Default for RwLock<T> {
    #[track_caller]
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T> std::fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RwLock").finish_non_exhaustive()
    }
}

impl<T> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self.imp.as_ref().expect("whole until dropped") {
            ReadImp::Std(g) => g,
            #[cfg(feature = "checker")]
            ReadImp::Model(g) => g,
        }
    }
}

impl<T> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(imp) = self.imp.take() {
            drop(imp);
            release_recorded(self.record);
        }
    }
}

impl<T> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self.imp.as_ref().expect("whole until dropped") {
            WriteImp::Std(g) => g,
            #[cfg(feature = "checker")]
            WriteImp::Model(g) => g,
        }
    }
}

impl<T> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self.imp.as_mut().expect("whole until dropped") {
            WriteImp::Std(g) => g,
            #[cfg(feature = "checker")]
            WriteImp::Model(g) => g,
        }
    }
}

impl<T> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(imp) = self.imp.take() {
            drop(imp);
            release_recorded(self.record);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Threads

/// Threads, as `std::thread`; under schedule exploration (`check::explore`), shuttle's threads.
pub mod thread {
    use super::check;
    use std::time::Duration;

    /// Identifies a thread, as `std::thread::ThreadId`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ThreadId(Id);

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    enum Id {
        Std(std::thread::ThreadId),
        #[cfg(feature = "checker")]
        Model(shuttle::thread::ThreadId),
    }

    /// A handle to a thread, as `std::thread::Thread`.
    #[derive(Debug, Clone)]
    pub struct Thread(ThreadImp);

    #[derive(Debug, Clone)]
    enum ThreadImp {
        Std(std::thread::Thread),
        #[cfg(feature = "checker")]
        Model(shuttle::thread::Thread),
    }

    impl Thread {
        pub fn id(&self) -> ThreadId {
            match &self.0 {
                ThreadImp::Std(t) => ThreadId(Id::Std(t.id())),
                #[cfg(feature = "checker")]
                ThreadImp::Model(t) => ThreadId(Id::Model(t.id())),
            }
        }

        pub fn name(&self) -> Option<&str> {
            match &self.0 {
                ThreadImp::Std(t) => t.name(),
                #[cfg(feature = "checker")]
                ThreadImp::Model(t) => t.name(),
            }
        }

        pub fn unpark(&self) {
            match &self.0 {
                ThreadImp::Std(t) => t.unpark(),
                #[cfg(feature = "checker")]
                ThreadImp::Model(t) => t.unpark(),
            }
        }
    }

    /// Scoped threads, as `std::thread::scope` (real threads: not under `check::explore`,
    /// whose model checker has no scoped threads of this kind).
    pub fn scope<'env, F, T>(f: F) -> T
    where
        F: for<'scope> FnOnce(&'scope std::thread::Scope<'scope, 'env>) -> T,
    {
        assert!(
            !check::explores(),
            "course_sync::thread::scope cannot run under schedule exploration: use course_sync::thread::spawn"
        );
        std::thread::scope(f)
    }

    /// The calling thread.
    pub fn current() -> Thread {
        #[cfg(feature = "checker")]
        if check::explores() {
            return Thread(ThreadImp::Model(shuttle::thread::current()));
        }
        Thread(ThreadImp::Std(std::thread::current()))
    }

    pub fn sleep(duration: Duration) {
        #[cfg(feature = "checker")]
        if check::explores() {
            check::count_op();
            return shuttle::thread::sleep(duration);
        }
        std::thread::sleep(duration)
    }

    pub fn yield_now() {
        #[cfg(feature = "checker")]
        if check::explores() {
            check::count_op();
            return shuttle::thread::yield_now();
        }
        std::thread::yield_now()
    }

    /// An owned permission to join a thread, as `std::thread::JoinHandle`.
    #[derive(Debug)]
    pub struct JoinHandle<T>(JoinImp<T>);

    #[derive(Debug)]
    enum JoinImp<T> {
        Std(std::thread::JoinHandle<T>),
        #[cfg(feature = "checker")]
        Model(shuttle::thread::JoinHandle<T>),
    }

    impl<T> JoinHandle<T> {
        pub fn join(self) -> std::thread::Result<T> {
            match self.0 {
                JoinImp::Std(h) => h.join(),
                #[cfg(feature = "checker")]
                JoinImp::Model(h) => h.join(),
            }
        }

        pub fn thread(&self) -> Thread {
            match &self.0 {
                JoinImp::Std(h) => Thread(ThreadImp::Std(h.thread().clone())),
                #[cfg(feature = "checker")]
                JoinImp::Model(h) => Thread(ThreadImp::Model(h.thread().clone())),
            }
        }
    }

    pub fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Builder::new().spawn(f).expect("failed to spawn thread")
    }

    /// Thread factory, as `std::thread::Builder`.
    #[derive(Debug, Default)]
    pub struct Builder {
        name: Option<String>,
        stack_size: Option<usize>,
    }

    impl Builder {
        pub fn new() -> Builder {
            Builder::default()
        }

        pub fn name(mut self, name: String) -> Builder {
            self.name = Some(name);
            self
        }

        pub fn stack_size(mut self, size: usize) -> Builder {
            self.stack_size = Some(size);
            self
        }

        pub fn spawn<F, T>(self, f: F) -> std::io::Result<JoinHandle<T>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            #[cfg(feature = "checker")]
            if check::explores() {
                check::count_op();
                let mut builder = shuttle::thread::Builder::new();
                if let Some(name) = self.name {
                    builder = builder.name(name);
                }
                if let Some(size) = self.stack_size {
                    builder = builder.stack_size(size);
                }
                return builder.spawn(f).map(|h| JoinHandle(JoinImp::Model(h)));
            }
            let mut builder = std::thread::Builder::new();
            if let Some(name) = self.name {
                builder = builder.name(name);
            }
            if let Some(size) = self.stack_size {
                builder = builder.stack_size(size);
            }
            builder.spawn(f).map(|h| JoinHandle(JoinImp::Std(h)))
        }
    }
}

//! The bookkeeping of the recording mode: every recorded lock with its holders, what each
//! thread waits for, and the lock-order graph (an edge A → B when a thread took B while holding
//! A), as the Linux kernel's lockdep keeps it.
//!
//! Locks are told apart by instance, not by where they were created: two accounts made by the
//! same line are two locks, so taking them in a fixed global order draws no cycle.
//!
//! A lock outlives a [`reset`] if it is still alive (a `static` one, made on first use in
//! a `LazyLock`, lives for the whole process): a reset forgets what was recorded and the locks
//! dropped before it, never a live lock's identity.

use super::Site;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex as StdMutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LockId(usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CondId(usize);

/// Numbers locks and condition variables for the whole process: a number is never reused,
/// whatever was reset, so a lock made before a reset keeps a number nothing else has.
static NUMBERS: AtomicUsize = AtomicUsize::new(0);

fn next_number() -> usize {
    NUMBERS.fetch_add(1, Ordering::Relaxed)
}

/// A recorded lock as the lock itself owns it: when the lock is dropped, the registry may forget
/// it at the next reset (until then the history may still name it).
pub struct OwnLock(LockId);

impl OwnLock {
    pub fn id(&self) -> LockId {
        self.0
    }
}

impl Drop for OwnLock {
    fn drop(&mut self) {
        let id = self.0;
        with(|r| {
            if let Some(lock) = r.locks.get_mut(&id) {
                lock.alive = false;
            }
        });
    }
}

/// A recorded condition variable as it owns itself (see [`OwnLock`]).
pub struct OwnCondvar(CondId);

impl OwnCondvar {
    pub fn id(&self) -> CondId {
        self.0
    }
}

impl Drop for OwnCondvar {
    fn drop(&mut self) {
        let id = self.0;
        with(|r| {
            if let Some(condvar) = r.condvars.get_mut(&id) {
                condvar.1 = false;
            }
        });
    }
}

type ThreadKey = std::thread::ThreadId;

struct Lock {
    /// The label the check gave it, with how many locks that label had made, or else what kind
    /// of lock it is and where it was created (said only when shown).
    name: Result<(String, usize), (&'static str, Site)>,
    holders: Vec<ThreadKey>,
    /// Not dropped yet.
    alive: bool,
}

impl ThreadState {
    fn name(&self) -> String {
        thread_name(&self.name)
    }
}

/// A thread's name as shown: its own, or `thread #N` for the N-th unnamed one.
fn thread_name(name: &Result<String, usize>) -> String {
    match name {
        Ok(name) => name.clone(),
        Err(number) => say(
            "sync-unnamed-thread",
            &[("number", number.to_string())],
            || format!("thread #{number}"),
        ),
    }
}

impl Lock {
    fn name(&self) -> String {
        match &self.name {
            Ok((name, 1)) => name.clone(),
            Ok((name, count)) => say(
                "sync-lock-numbered",
                &[("name", name.clone()), ("count", count.to_string())],
                || format!("{name} (lock {count})"),
            ),
            Err((kind, site)) => say(
                "sync-created-at",
                &[("kind", kind.to_string()), ("place", place(site))],
                || format!("the {kind} created at {}", place(site)),
            ),
        }
    }
}

enum Wait {
    Lock(LockId, Site),
    Condvar { created: Site, at: Site },
}

struct ThreadState {
    /// The thread's own name, or the number of an unnamed one (said only when shown).
    name: Result<String, usize>,
    /// Locks held, in the order they were taken, with where each was taken.
    holding: Vec<(LockId, Site)>,
    waiting: Option<Wait>,
}

/// How a thread came to take `to` while holding `from`: the first time it happened.
#[derive(Clone)]
pub(crate) struct Edge {
    thread: Result<String, usize>,
    from_site: Site,
    to_site: Site,
}

#[derive(Default)]
struct Registry {
    locks: BTreeMap<LockId, Lock>,
    /// Where each was created, and whether it is still alive.
    condvars: BTreeMap<CondId, (Site, bool)>,
    threads: HashMap<ThreadKey, ThreadState>,
    order: BTreeMap<(LockId, LockId), Edge>,
    unnamed_threads: usize,
    locks_created: usize,
    acquisitions: usize,
    condvar_waits: usize,
}

impl Registry {
    /// The lock's name as shown (a lock is known while anything can refer to it; the fallback
    /// only keeps a report from failing).
    fn name_of(&self, id: LockId) -> String {
        self.locks
            .get(&id)
            .map(Lock::name)
            .unwrap_or_else(|| say("sync-a-lock", &[], || "a lock".to_owned()))
    }

    fn taken_at(&self, id: LockId, site: &Site) -> String {
        let (lock, place) = (self.name_of(id), place(site));
        say(
            "sync-taken-at",
            &[("lock", lock.clone()), ("place", place.clone())],
            || format!("{lock} (taken at {place})"),
        )
    }

    fn holders(&self, id: LockId) -> Vec<ThreadKey> {
        self.locks
            .get(&id)
            .map(|lock| lock.holders.clone())
            .unwrap_or_default()
    }
}

static REGISTRY: StdMutex<Option<Registry>> = StdMutex::new(None);

/// What says the recording's sentences in the student's language: given a message id and its
/// arguments, the sentence, or `None` for the English below. The hidden checks install theirs
/// (the grading pack's catalogs, see `check::speak_with`); nothing else ever shows them.
pub type Speaker = fn(&str, &[(&str, String)]) -> Option<String>;

static SPEAKER: std::sync::OnceLock<Speaker> = std::sync::OnceLock::new();

pub fn speak_with(speaker: Speaker) {
    let _ = SPEAKER.set(speaker);
}

/// The sentence `id` with `args`, from the installed speaker, else `english`.
fn say(id: &str, args: &[(&str, String)], english: impl FnOnce() -> String) -> String {
    SPEAKER
        .get()
        .and_then(|speaker| speaker(id, args))
        .unwrap_or_else(english)
}

thread_local! {
    /// The name given to locks this thread creates, and how many it created under that name.
    static LABEL: RefCell<Option<(String, usize)>> = const { RefCell::new(None) };
}

fn with<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    // The registry's own lock is never held while user code runs, so poisoning can only come
    // from a bug here; keep recording regardless.
    let mut guard = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(Registry::default))
}

fn me(registry: &mut Registry) -> &mut ThreadState {
    let key = std::thread::current().id();
    if !registry.threads.contains_key(&key) {
        let name = match std::thread::current().name() {
            Some(name) => Ok(name.to_owned()),
            None => {
                registry.unnamed_threads += 1;
                Err(registry.unnamed_threads)
            }
        };
        registry.threads.insert(
            key,
            ThreadState {
                name,
                holding: Vec::new(),
                waiting: None,
            },
        );
    }
    registry.threads.get_mut(&key).expect("inserted above")
}

/// `src/lib.rs:31` for a place in the student's crate, `main.rs:12` elsewhere.
pub(crate) fn place(site: Site) -> String {
    let file = site.file().replace('\\', "/");
    let short = match file.rfind("/src/") {
        Some(index) => &file[index + 1..],
        None => file.rsplit('/').next().unwrap_or(&file),
    };
    format!("{short}:{}", site.line())
}

pub fn new_lock(site: Site, kind: &'static str) -> OwnLock {
    let label = LABEL.with(|label| {
        label.borrow_mut().as_mut().map(|(name, count)| {
            *count += 1;
            (name.clone(), *count)
        })
    });
    let id = LockId(next_number());
    with(|r| {
        r.locks_created += 1;
        r.locks.insert(
            id,
            Lock {
                name: label.ok_or((kind, site)),
                holders: Vec::new(),
                alive: true,
            },
        );
    });
    OwnLock(id)
}

pub fn new_condvar(site: Site) -> OwnCondvar {
    let id = CondId(next_number());
    with(|r| r.condvars.insert(id, (site, true)));
    OwnCondvar(id)
}

pub fn waits_for_lock(id: LockId, site: Site) {
    with(|r| me(r).waiting = Some(Wait::Lock(id, site)));
}

/// `id` was taken at `site`. A blocking acquisition while holding other locks draws lock-order
/// edges from them; a successful `try_lock` does not (it cannot deadlock: it gives up instead),
/// as in lockdep, though locks taken after it do depend on it.
pub fn acquired(id: LockId, site: Site) {
    acquired_as(id, site, true);
}

pub fn try_acquired(id: LockId, site: Site) {
    acquired_as(id, site, false);
}

fn acquired_as(id: LockId, site: Site, blocking: bool) {
    with(|r| {
        r.acquisitions += 1;
        let key = std::thread::current().id();
        let state = me(r);
        state.waiting = None;
        let thread = state.name.clone();
        let held: Vec<(LockId, Site)> = state.holding.clone();
        state.holding.push((id, site));
        for (from, from_site) in held.into_iter().filter(|_| blocking) {
            if from != id {
                r.order.entry((from, id)).or_insert_with(|| Edge {
                    thread: thread.clone(),
                    from_site,
                    to_site: site,
                });
            }
        }
        if let Some(lock) = r.locks.get_mut(&id) {
            lock.holders.push(key);
        }
    });
}

pub fn released(id: LockId) {
    with(|r| {
        let key = std::thread::current().id();
        let state = me(r);
        if let Some(index) = state.holding.iter().rposition(|(held, _)| *held == id) {
            state.holding.remove(index);
        }
        if let Some(lock) = r.locks.get_mut(&id) {
            if let Some(index) = lock.holders.iter().position(|t| *t == key) {
                lock.holders.remove(index);
            }
        }
    });
}

pub fn waits_on_condvar(cond: CondId, _lock: Option<LockId>, site: Site) {
    with(|r| {
        r.condvar_waits += 1;
        // Known while alive, and a condition variable being waited on is alive.
        let created = r.condvars.get(&cond).map_or(site, |(created, _)| *created);
        me(r).waiting = Some(Wait::Condvar { created, at: site });
    });
}

/// A condition-variable wait ended without a recorded lock to take back.
pub fn woke() {
    with(|r| me(r).waiting = None);
}

// -- What the checks ask ------------------------------------------------------------------------

/// Forgets everything recorded so far (holders, waits, lock-order edges, counts, threads) but
/// the identity of the locks and condition variables that are still alive: a lock made before
/// the reset is recorded again, under its own name, as soon as it is taken after it.
pub fn reset() {
    with(|r| {
        r.locks.retain(|_, lock| lock.alive);
        for lock in r.locks.values_mut() {
            lock.holders.clear();
        }
        r.condvars.retain(|_, (_, alive)| *alive);
        r.threads.clear();
        r.unnamed_threads = 0;
        r.order.clear();
        r.locks_created = 0;
        r.acquisitions = 0;
        r.condvar_waits = 0;
    });
}

pub fn label_new_locks<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let previous = LABEL.with(|label| label.replace(Some((name.to_owned(), 0))));
    let result = f();
    LABEL.with(|label| *label.borrow_mut() = previous);
    result
}

pub fn stats() -> (usize, usize, usize) {
    with(|r| (r.locks_created, r.acquisitions, r.condvar_waits))
}

/// One line per thread that waits on a recorded lock or condition variable.
pub fn blocked() -> Vec<String> {
    with(|r| {
        let mut lines: Vec<String> = r
            .threads
            .values()
            .filter_map(|t| {
                let held = if t.holding.is_empty() {
                    String::new()
                } else {
                    let names: Vec<String> = t
                        .holding
                        .iter()
                        .map(|(id, site)| r.taken_at(*id, site))
                        .collect();
                    let locks = names.join(", ");
                    let said = say("sync-while-holding", &[("locks", locks.clone())], || {
                        format!("while holding {locks}")
                    });
                    format!(" {said}")
                };
                let thread = t.name();
                match t.waiting.as_ref()? {
                    Wait::Lock(id, site) => {
                        let (lock, place) = (r.name_of(*id), place(site));
                        let args = [
                            ("thread", thread.clone()),
                            ("lock", lock.clone()),
                            ("place", place.clone()),
                            ("held", held.clone()),
                        ];
                        Some(say("sync-waits-for", &args, || {
                            format!("thread `{thread}` waits for {lock} at {place}{held}")
                        }))
                    }
                    Wait::Condvar { created, at } => {
                        let (created, place) = (place(created), place(at));
                        let args = [
                            ("thread", thread.clone()),
                            ("created", created.clone()),
                            ("place", place.clone()),
                            ("held", held.clone()),
                        ];
                        Some(say("sync-waits-on-condvar", &args, || {
                            format!("thread `{thread}` waits on the Condvar created at {created} (wait at {place}){held}")
                        }))
                    }
                }
            })
            .collect();
        lines.sort();
        lines
    })
}

/// A cycle of threads each waiting for a lock the next one holds: a deadlock, now.
pub fn wait_for_cycle() -> Option<(Vec<String>, Vec<String>, String)> {
    with(|r| {
        // thread → the threads holding the lock it waits for
        let keys: Vec<ThreadKey> = r.threads.keys().copied().collect();
        let waits_on = |key: &ThreadKey| -> Vec<ThreadKey> {
            match &r.threads[key].waiting {
                Some(Wait::Lock(id, _)) => r.holders(*id),
                _ => Vec::new(),
            }
        };
        let graph: HashMap<ThreadKey, Vec<ThreadKey>> =
            keys.iter().map(|k| (*k, waits_on(k))).collect();
        let cycle = find_cycle(&keys, |k| graph.get(k).cloned().unwrap_or_default())?;
        let mut threads = Vec::new();
        let mut locks = Vec::new();
        let mut parts = Vec::new();
        for (index, key) in cycle.iter().enumerate() {
            let state = &r.threads[key];
            let Some(Wait::Lock(wanted, wait_site)) = &state.waiting else {
                continue;
            };
            let next = cycle[(index + 1) % cycle.len()];
            let lock = r.name_of(*wanted);
            let holds = r.threads[&next]
                .holding
                .iter()
                .find(|(id, _)| id == wanted)
                .map(|(_, site)| r.taken_at(*wanted, site))
                .unwrap_or_else(|| lock.clone());
            let mine: Vec<String> = state
                .holding
                .iter()
                .map(|(id, site)| r.taken_at(*id, site))
                .collect();
            let thread = state.name();
            threads.push(thread.clone());
            locks.push(lock.clone());
            let holding = if mine.is_empty() {
                say("sync-holds-nothing", &[], || "holds nothing".to_owned())
            } else {
                let mine = mine.join(", ");
                say("sync-holds", &[("locks", mine.clone())], || {
                    format!("holds {mine}")
                })
            };
            let (place, next) = (place(wait_site), r.threads[&next].name());
            let args = [
                ("thread", thread.clone()),
                ("holding", holding.clone()),
                ("lock", lock.clone()),
                ("place", place.clone()),
                ("next", next.clone()),
                ("holds", holds.clone()),
            ];
            parts.push(say("sync-cycle-part", &args, || {
                format!("thread `{thread}` {holding} and waits for {lock} (at {place}), which thread `{next}` holds as {holds}")
            }));
        }
        Some((threads, locks, parts.join("; ")))
    })
}

/// A cycle in the lock-order graph: locks taken in opposite orders by different code paths,
/// which can deadlock under another schedule even if this run did not.
pub fn lock_order_cycle() -> Option<(Vec<String>, Vec<String>, String)> {
    with(|r| {
        let nodes: Vec<LockId> = r.locks.keys().copied().collect();
        let mut next: HashMap<LockId, Vec<LockId>> = HashMap::new();
        for (from, to) in r.order.keys() {
            next.entry(*from).or_default().push(*to);
        }
        let cycle = find_cycle(&nodes, |id| next.get(id).cloned().unwrap_or_default())?;
        let mut threads = Vec::new();
        let mut parts = Vec::new();
        for (index, from) in cycle.iter().enumerate() {
            let to = cycle[(index + 1) % cycle.len()];
            let edge = &r.order[&(*from, to)];
            let thread = thread_name(&edge.thread);
            threads.push(thread.clone());
            let (first, first_place) = (r.name_of(*from), place(edge.from_site));
            let (second, second_place) = (r.name_of(to), place(edge.to_site));
            let args = [
                ("thread", thread.clone()),
                ("first", first.clone()),
                ("first_place", first_place.clone()),
                ("second", second.clone()),
                ("second_place", second_place.clone()),
            ];
            parts.push(say("sync-order-part", &args, || {
                format!("thread `{thread}` took {first} (at {first_place}) and then {second} (at {second_place})")
            }));
        }
        let locks = cycle.iter().map(|id| r.name_of(*id)).collect();
        Some((threads, locks, parts.join("; ")))
    })
}

/// A cycle in a directed graph, as its nodes in order, found by depth-first search.
fn find_cycle<N: Copy + Eq + std::hash::Hash>(
    nodes: &[N],
    next: impl Fn(&N) -> Vec<N>,
) -> Option<Vec<N>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let mut colour: HashMap<N, Colour> = nodes.iter().map(|n| (*n, Colour::White)).collect();
    for start in nodes {
        if colour[start] != Colour::White {
            continue;
        }
        // An explicit stack of (node, its successors, how many were visited): no recursion.
        let mut path: Vec<N> = vec![*start];
        let mut stack: Vec<(Vec<N>, usize)> = vec![(next(start), 0)];
        colour.insert(*start, Colour::Grey);
        while let Some((successors, visited)) = stack.last_mut() {
            if let Some(n) = successors.get(*visited).copied() {
                *visited += 1;
                match colour.get(&n).copied().unwrap_or(Colour::Black) {
                    Colour::Grey => {
                        let from = path
                            .iter()
                            .position(|p| *p == n)
                            .expect("grey nodes are on the path");
                        return Some(path[from..].to_vec());
                    }
                    Colour::White => {
                        colour.insert(n, Colour::Grey);
                        path.push(n);
                        stack.push((next(&n), 0));
                    }
                    Colour::Black => {}
                }
            } else {
                stack.pop();
                if let Some(done) = path.pop() {
                    colour.insert(done, Colour::Black);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find_cycle;

    #[test]
    fn finds_a_cycle_and_only_a_cycle() {
        let edges = |n: &u32| match n {
            1 => vec![2],
            2 => vec![3],
            3 => vec![1],
            _ => vec![],
        };
        assert_eq!(find_cycle(&[4, 1, 2, 3], edges), Some(vec![1, 2, 3]));
        let acyclic = |n: &u32| if *n < 3 { vec![n + 1] } else { vec![] };
        assert_eq!(find_cycle(&[1, 2, 3], acyclic), None);
        let self_loop = |n: &u32| vec![*n];
        assert_eq!(find_cycle(&[7], self_loop), Some(vec![7]));
    }
}

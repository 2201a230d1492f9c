# The hidden checks of ex07_rlock: what they say to a student (see pack/support/src/text.rs).

## owner_can_lock_again

ex07-reentry-try-lock-false =
    .observed = thread `owner` held the lock ({ $levels } levels) and its try_lock() returned false
    .expected = lock() by the thread that holds the lock returns at once, one level deeper; each unlock() gives back one level
    .why = the owner may always take its own lock again: try_lock() fails only when *another* thread holds it
ex07-reentry-self-deadlock =
    .observed = thread `owner` took the lock, then called { $call } again: it was still blocked { $secs } s later, waiting for itself — no other thread touched the lock{ $saw }
    .expected = lock() by the thread that holds the lock returns at once, one level deeper; each unlock() gives back one level
    .why = the lock is not reentrant: lock() waits until no thread holds it, but the thread holding it is the one waiting, so it waits for itself for ever (a self-deadlock: Lock instead of RLock). First compare the owner with course_sync::thread::current().id(): the owner only counts one level more
ex07-facade-saw = ; the facade saw: { $waits }
ex07-reentry-unlock-refused =
    .observed = thread `owner` took the lock 3 times (lock, lock, try_lock); its { $nth } unlock() returned Err(NotOwner)
    .expected = lock() by the thread that holds the lock returns at once, one level deeper; each unlock() gives back one level
    .why = the lock was released before its count reached zero: lock() must count every level (count + 1 when the owner takes it again) and unlock() must only count down, releasing the lock at zero
ex07-reentry-extra-unlock-ok =
    .observed = thread `owner` took the lock 3 times and unlocked it 3 times; a 4th unlock() returned Ok(())
    .expected = Err(NotOwner): after 3 unlocks nobody holds the lock
    .why = after as many unlocks as locks the lock is free, and a further unlock() must be refused; if unlock() does not count every level down, the count never gets back to zero and the lock is never released

ex07-deep-count-lost =
    .observed = thread `owner` went on taking the lock it held, nested, to reach { $levels } levels; { $seen }
    .expected = each nested lock() returns at once, { $levels } unlock() calls give every level back, and one more is refused with Err(NotOwner)
    .why = perhaps the count overflows: a counter of a small type (a u8 holds 255 levels) panics or wraps around to 0, which frees a lock that is still held; count the levels in a usize
ex07-deep-lock-panicked = its { $nth } lock() panicked: { $message }
ex07-deep-lock-blocked = a nested lock() was still blocked { $secs } s later, waiting for itself
ex07-deep-unlock-refused = its { $nth } unlock() returned Err(NotOwner)
ex07-deep-extra-unlock-ok = after { $levels } unlock() calls, one more returned Ok(())

## others_wait_until_count_is_zero

ex07-exclusion-waiter-got-it =
    .observed = thread `waiter` got the lock while thread `owner` held it ({ $levels } levels)
    .expected = another thread waits until the owner has unlocked as many times as it locked
    .why = lock() must wait while any other thread owns the lock: compare the owner with the calling thread, and wait on the condition variable while someone else holds it
ex07-exclusion-unlock-refused =
    .observed = thread `owner` locked { $levels } times; its { $nth } unlock() returned Err(NotOwner)
    .expected = Ok(()) for each of the owner's { $levels } unlocks
    .why = the owner holds the lock until its count is zero: every unlock() up to then must succeed
ex07-exclusion-released-early =
    .observed = thread `owner` locked { $levels } times; after its { $nth } unlock() (count { $levels } → { $count }) thread `waiter` got the lock
    .expected = another thread gets the lock only after the owner's last unlock (count 0)
    .why = the lock was released before its count reached zero: the owner still holds it and its outer code runs unprotected. unlock() must count down and free the lock (owner = None, notify) only when the count reaches 0
ex07-exclusion-waiter-unlock-refused =
    .observed = thread `waiter` got the lock after the owner's last unlock, but its own unlock() returned Err(NotOwner)
    .expected = Ok(()): the waiter owns the lock it just took
    .why = a thread that takes a free lock becomes its owner (owner = its ThreadId, count = 1)
ex07-exclusion-never-released =
    .observed = thread `owner` locked { $levels } times and unlocked { $levels } times (each returned Ok), but thread `waiter` was still blocked in lock() { $secs } s later
    .expected = the waiting thread gets the lock as soon as the count is back to zero
    .why = the lock was never released: when the count drops to zero, unlock() must set the owner to None and notify the waiting threads; check that every unlock() really counts down (the count goes back to where it was before each lock)

ex07-try-lock-took-held-lock =
    .observed = while thread `owner` held the lock ({ $levels } levels), { $taken } of { $tries } try_lock() calls from another thread returned true
    .expected = false every time: another thread holds the lock
    .why = perhaps try_lock() compares the owner with the caller the wrong way, or takes the lock when the count is not zero; only the owner may take it again
ex07-try-lock-waits =
    .observed = while thread `owner` held the lock ({ $levels } levels), { $tries } try_lock() calls from another thread took { $ms } ms and went to sleep { $sleeps } times
    .expected = false at once, every time: the calling thread never goes to sleep in try_lock()
    .why = perhaps try_lock() waits on the condition variable (wait_timeout) for the lock to come free before it answers; a try_lock that waits, however briefly, is a lock() with a time limit. It answers from what it sees now: free or its own, it takes it; else false

## waiter_gets_the_lock_at_once

ex07-handoff-unlock-refused =
    .observed = thread `owner` locked twice; one of its two unlock() calls returned Err(NotOwner)
    .expected = Ok(()) for each of the owner's unlocks
    .why = the owner holds the lock until its count is zero
ex07-handoff-early =
    .observed = hand-off { $round }: thread `waiter` got the lock before the owner's last unlock()
    .expected = another thread gets the lock only after the owner's last unlock (count 0)
    .why = the lock was free before its count reached zero: unlock() must only count down until then
ex07-handoff-lost =
    .observed = hand-off { $round }: after the owner's last unlock(), thread `waiter` { $outcome }
    .expected = the waiting thread gets the lock as soon as the count is back to zero
    .why = unlock() must notify the condition variable the waiters sleep on when the count reaches zero
ex07-handoff-summary = { $handoffs } hand-offs: median { $median } (slowest { $slowest }); a std Mutex + Condvar meanwhile: median { $calm }
ex07-handoff-busy = a woken thread of a plain std Mutex + Condvar took { $calm } to run: the machine is too busy
ex07-handoff-late =
    .observed = thread `waiter` blocked in lock(); after the owner's last unlock() it held the lock only { $median } later (median of { $handoffs } hand-offs, slowest { $slowest }), while a thread woken through a plain std Mutex + Condvar ran { $calm } after its notify
    .expected = the waiter gets the lock at once: within a few hundred microseconds
    .why = the waiter did not wake when the lock became free but later, by itself: perhaps unlock() does not notify the condition variable when the count reaches zero (or notifies before the lock is free, or another condition variable), and lock() waits with a timeout (wait_timeout) that hides the missing notification; or lock() sleeps between looks instead of waiting to be notified

## unlock_by_non_owner_refused

ex07-not-owner-display =
    .observed = unlock() of a free lock returned Err(NotOwner), which prints as { $printed }
    .expected = "unlock from a thread that does not hold the lock"
    .why = Display for NotOwner is provided code: perhaps it was changed; an error that prints nothing tells the caller nothing
ex07-unlock-free-ok =
    .observed = unlock() of a lock that nobody held returned Ok(())
    .expected = Err(NotOwner) for an unlock() from any thread that does not hold the lock, and the lock unchanged
    .why = a free lock has no owner, so nobody may unlock it
ex07-intruder-unlock-ok =
    .observed = while thread `owner` held the lock (locked twice), unlock() from thread `intruder`, which never locked it, returned Ok(())
    .expected = Err(NotOwner) for an unlock() from any thread that does not hold the lock, and the lock unchanged
    .why = only the owner may unlock (Python's RLock raises RuntimeError: cannot release un-acquired lock): compare the owner with course_sync::thread::current().id() and return Err(NotOwner) before changing anything. Otherwise any thread can release a lock that protects another thread's critical section
ex07-intruder-changed-prober-got-it =
    .observed = after a refused unlock() from thread `intruder`, thread `prober` got the lock, though thread `owner` had locked it twice and not unlocked
    .expected = Err(NotOwner) for an unlock() from any thread that does not hold the lock, and the lock unchanged
    .why = the refused unlock() changed the lock anyway: return Err(NotOwner) before touching the owner or the count
ex07-intruder-changed-owner-unlock =
    .observed = after a refused unlock() from another thread, the owner's { $nth } of 2 unlock() calls { $outcome }
    .expected = Err(NotOwner) for an unlock() from any thread that does not hold the lock, and the lock unchanged
    .why = the refused unlock() changed the lock anyway: return Err(NotOwner) before touching the owner or the count
ex07-intruder-changed-after-one-unlock =
    .observed = thread `owner` locked twice; after a refused unlock() from thread `intruder` and one unlock() by the owner, thread `prober` got the lock
    .expected = Err(NotOwner) for an unlock() from any thread that does not hold the lock, and the lock unchanged
    .why = the refused unlock() changed the lock anyway: return Err(NotOwner) before touching the owner or the count

## blocked_lock_uses_no_cpu

ex07-cpu-waiter-got-it =
    .observed = thread `waiter` got the lock while thread `owner` held it
    .expected = lock() waits while another thread holds the lock
    .why = lock() must wait while any other thread owns the lock
ex07-cpu-waiter-ended =
    .observed = the waiting thread ended while it should wait
    .expected = lock() waits
    .why = internal error of the check
ex07-cpu-summary = lock() while another thread holds it: { $cpu_ms } ms CPU, { $wakeups } wake-ups in { $wall_ms } ms
ex07-cpu-busy-wait =
    .observed = a thread waiting in lock() while another thread held the lock { $usage }
    .expected = about 0 ms: a waiting thread sleeps in the kernel until it is notified
    .why = lock() busy-waits: it looks at the owner again and again instead of sleeping, burning a CPU that the owner may need to finish and unlock. Wait on the condition variable (Condvar::wait in a while loop), and notify it in unlock() when the count reaches zero
ex07-cpu-polls =
    .observed = a thread waiting in lock() woke up { $wakeups } times in { $wall_ms } ms while the lock stayed held
    .expected = no wake-up while nothing changes: a waiting thread sleeps until it is notified
    .why = lock() polls: it sleeps a little and looks again, which wastes CPU and reacts late; wait on the condition variable and let unlock() notify it
ex07-cpu-unlock-failed =
    .observed = the owner's unlock() { $outcome }
    .expected = Ok(())
    .why = the thread that locked may unlock
ex07-cpu-not-woken =
    .observed = after the owner's unlock(), the thread waiting in lock() { $outcome }
    .expected = it gets the lock at once
    .why = unlock() must notify the condition variable the waiters sleep on when the count reaches zero

## mutual_exclusion_in_explored_schedules

ex07-bypass-probe =
    .observed = { $what } took no course_sync lock
    .expected = every lock() and unlock() locks the ReentrantMutex's inner course_sync::Mutex
    .why = your ReentrantMutex never locked a course_sync::Mutex: it imports its primitives from std::sync directly; the checker can only verify mutual exclusion through the course's facade — use course_sync::{"{"}Mutex, Condvar{"}"} and course_sync::thread
ex07-bypass-explored =
    .observed = exploring the lock saw no operation on a course_sync primitive
    .expected = every lock() and unlock() locks the ReentrantMutex's inner course_sync::Mutex
    .why = your ReentrantMutex never locked a course_sync::Mutex: it imports its primitives from std::sync directly; the checker can only verify mutual exclusion through the course's facade — use course_sync::{"{"}Mutex, Condvar{"}"} and course_sync::thread
ex07-what-probe = lock(), lock(), unlock(), unlock() on one thread
ex07-explored-scenario = { $threads } threads each taking the lock twice (reentrant, by lock() or try_lock()), staying inside a moment, unlocking twice and then trying try_lock() once, { $rounds } times
ex07-doing-lock = in lock()
ex07-doing-second-lock = in its 2nd lock() (reentering)
ex07-doing-try-lock-reentering = in try_lock() (reentering)
ex07-doing-inside = inside the critical section
ex07-doing-first-unlock = in its 1st unlock()
ex07-doing-second-unlock = in its 2nd unlock()
ex07-doing-try-lock = in try_lock() (not holding the lock)
ex07-doing-inside-after-try-lock = inside the critical section (after try_lock())
ex07-doing-unlock-after-try-lock = in unlock() after try_lock()
ex07-doing-main-joins = waiting for the threads to finish
ex07-schedule-std-thread-id =
    .observed = { $description }: in one schedule two threads held the lock at once — { $found }; and while thread `main` held the lock, another explored thread's try_lock() returned true
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = the lock tells threads apart with std::thread::current().id(): while the checker explores schedules, every explored thread runs on the same OS thread, so std gives them all the same id and each believes it owns the lock. Use course_sync::thread::current().id() (and course_sync::thread::ThreadId), which is std's in your own build and the explored thread's under the checker
ex07-schedule-exclusion =
    .observed = { $description }: in one schedule two threads held the lock at once — { $doing } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = mutual exclusion is broken in some interleavings. Typical causes: lock() looks whether the lock is free under the inner Mutex, lets go of it, and takes the lock under a second hold (another thread can take it in between: check and take under one guard of the inner Mutex); a wait in an `if` instead of a `while` (a woken thread must look again: a third thread may have taken the lock first); or an unlock() that frees the lock before the count is zero.
ex07-schedule-reentry =
    .observed = { $description }: in one schedule the thread holding the lock called try_lock() and got false — { $doing } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = the owner may always take its own lock again: try_lock() fails only when another thread holds it; perhaps try_lock() only looks whether the lock is free, or compares the owner with an id that is not course_sync::thread::current().id()
ex07-schedule-first-unlock-refused =
    .observed = { $description }: in one schedule the owner's 1st unlock() returned Err(NotOwner) — { $doing } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = the thread held the lock, yet another thread had become the owner meanwhile: two threads took the lock at once. lock() must check that the lock is free and take it (owner = me, count = 1) under one guard of the inner Mutex; looking, letting go of the guard and taking it under a second hold lets another thread in between
ex07-schedule-second-unlock-refused =
    .observed = { $description }: in one schedule the owner's 2nd unlock() returned Err(NotOwner) — { $doing } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = the thread's 1st unlock() already freed the lock, or another thread took it over: unlock() must count down and free the lock only when the count reaches zero, and lock() must check and take under one guard of the inner Mutex
ex07-schedule-unlock-after-try-lock-refused =
    .observed = { $description }: in one schedule the unlock() after a successful try_lock() returned Err(NotOwner) — { $doing } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = the thread's 1st unlock() already freed the lock, or another thread took it over: unlock() must count down and free the lock only when the count reaches zero, and lock() must check and take under one guard of the inner Mutex
ex07-schedule-deadlock =
    .observed = { $description }: in one schedule every thread was blocked and none could go on (a deadlock) — { $doing } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = a thread waits for a lock that is never released, or for a notification that never comes: lock() must let the owner in again at once (reentrancy), unlock() must free the lock and notify the waiters when the count reaches zero, and a waiter must look again after every wake-up
ex07-schedule-panic =
    .observed = { $description }: in one schedule the lock's code panicked: { $message } — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = a panic in some interleavings only: look for a step that assumes nothing changed since the thread last held the inner Mutex
ex07-schedule-too-many-steps =
    .observed = { $description }: one schedule ran for hundreds of thousands of steps without finishing — { $found }
    .expected = in every schedule, at most one thread holds the lock at a time, the owner's unlocks succeed, and every thread finishes
    .why = a thread loops without waiting (a busy loop, or a livelock): wait on the condition variable instead of retrying

## helpers: what a step is, and how it failed

ex07-what-owners-nth-call = the owner's { $nth } { $call }
ex07-what-owners-nth-lock = the owner's { $nth } lock()
ex07-what-owners-nth-unlock = the owner's { $nth } unlock()
ex07-what-lock-free = lock() of a free lock
ex07-what-try-locks = { $tries } try_lock() calls of a lock another thread holds
ex07-what-waiters-lock-unlock = the waiter's lock() or unlock()
ex07-what-owners-lock-lock = the owner's lock(), lock()
ex07-what-owners-unlock-unlock = the owner's unlock(), unlock()
ex07-what-unlock-free = unlock() of a free lock
ex07-what-unlock-non-owner = an unlock() from a thread that does not hold the lock
ex07-what-lock-after-last-unlock = lock() by another thread after the owner's last unlock()
ex07-panicked =
    .observed = { $what } panicked: { $message }
    .expected = no panic
    .why = a panic here means a bug in the lock (or a todo!() that is not written yet)
ex07-stuck =
    .observed = { $what } did not return within { $secs } s
    .expected = it returns at once
    .why = nothing should wait here: the inner Mutex is never held for long, and a free lock (or one the calling thread owns) is taken without waiting
ex07-outcome-returned = returned { $value }
ex07-outcome-panicked = panicked: { $message }
ex07-outcome-blocked = was still blocked { $secs } s later
ex07-nth = { $n ->
        [1] 1st
        [2] 2nd
        [3] 3rd
       *[other] { $n }th
    }

# The hidden checks of ex08_gil: what they say to a student (see pack/support/src/text.rs).

## cpu_threads_without_gil_run_in_parallel

ex08-no-gil-never-overlapped =
    .observed = without the GIL (Gil::disabled()), two threads of { $steps } CPU-bound steps never ran a step at the same time, and took { $ratio } x the serial time ({ $threaded } vs { $serial }); plain threads took { $plain } x
    .expected = without a GIL the threads run their steps at the same time: about serial / 2 on two free cores
    .why = Gil::disabled() is the free-threaded build (CPython 3.13t): acquire() must not wait and step() must not switch, so nothing serializes the threads; this one still makes them take turns
ex08-no-gil-busy = other processes used { $others } cores while the threads ran: two cores were not free, so the speed-up without the GIL could not be measured
ex08-proc-stat-unknown = /proc/stat could not tell how busy the machine was
ex08-no-gil-no-speed-up =
    .observed = without the GIL (Gil::disabled()), two CPU-bound threads took { $ratio } x the serial time ({ $threaded } vs { $serial }), with two cores free (other processes used { $others } cores meanwhile; plain threads took { $plain } x)
    .expected = less than { $limit } x: two cores, about half the time
    .why = without a GIL nothing should keep two threads from computing at once; something in Gil::disabled()'s acquire() or step() makes them wait for each other most of the time

## cpu_threads_with_gil_take_serial_time

ex08-gil-steps-overlapped =
    .observed = with the GIL, two CPU-bound threads took { $ratio } x the serial time ({ $threaded } vs { $serial }; without a GIL { $plain } x), and { $overlapping } of their { $steps } steps started while the other thread was in the middle of a step: two threads ran interpreted code at the same time
    .expected = one step at a time: about the serial time or more, as in the lecture (18.1 s serially, 19.5 s on two threads)
    .why = the GIL must exclude: acquire() waits while another thread holds it, so only the holder runs steps; a GIL that lets every thread in is no GIL at all

## io_threads_with_gil_overlap

ex08-io-never-overlapped =
    .observed = with the GIL, { $threads } I/O-bound threads ({ $waits } waits of { $wait } each in allow_threads) took { $ratio } x the serial time ({ $threaded } vs { $serial }), and never more than one thread was inside its blocking call at a time
    .expected = the waits overlap: about serial / { $threads } = { $ideal } x
    .why = a thread waiting for I/O does not need the GIL: allow_threads must release it before the blocking call and take it back afterwards, so that the other threads run meanwhile (that is why threads still help Python programs that wait for the network or the disk)
ex08-io-busy = the I/O-bound threads took { $ratio } x the serial time while other processes used { $others } cores: too busy to tell a partial overlap from late wake-ups
ex08-io-partial-overlap =
    .observed = with the GIL, { $threads } I/O-bound threads took { $ratio } x the serial time ({ $threaded } vs { $serial }); at most { $most } of them were inside their blocking call at once
    .expected = about serial / { $threads } = { $ideal } x
    .why = the blocking calls overlap only partly: while a thread is in allow_threads, the others must be able to take the GIL at once (release it before the call, notify a waiter)

## gil_switches_every_interval

ex08-switch-window-short = the two threads wanted the GIL at the same time for only { $window }: too short to judge
ex08-switch-seen = while both threads wanted the GIL ({ $window } of the CPU-bound run, steps of about { $step } each), it changed hands { $handovers } time(s): median hold { $median } ({ $median_steps } steps), longest { $longest } ({ $longest_steps } steps)
ex08-switch-early =
    .observed = { $seen }; with three CPU-bound threads, { $early_three } hold(s) and with two { $early_two } ended before half the switch interval (the shortest { $shortest }; median hold with three threads { $median }, { $median_steps } steps): the GIL changed hands long before the switch interval was up
    .expected = holds of about the switch interval, { $interval } (about { $interval_steps } steps): about { $expected_handovers } hand-overs
    .why = the holder must keep the GIL for its whole switch interval and hand it over only at the first safe point after it: perhaps the safe point compares the time held with the interval the wrong way round, or hands over whenever another thread waits (also before the interval is up), or the interval is not measured from the moment this thread took the GIL; a thread switch at every step makes interpreted code many times slower
ex08-switch-kept-computing =
    .observed = { $seen }; with three CPU-bound threads (always another one waiting), one thread computed { $cpu } of its own CPU time in one hold
    .expected = each hold ends at the first step after the switch interval, { $interval }: at most about { $interval } of the holder's CPU time (about { $expected_handovers } hand-overs)
    .why = the GIL stayed with the running thread after its interval. Perhaps hand-over releases the GIL, wakes a waiter and takes the GIL back at once: the waiter has only just been woken, so the running thread wins the GIL again and again (the convoy of Python 2's GIL). Wait until a waiter has really taken it, then queue behind it (CPython's FORCE_SWITCHING). A thread's CPU clock stands still while it is descheduled, so a busy machine cannot cause this
ex08-switch-no-handover =
    .observed = { $seen }; with three CPU-bound threads (always another one waiting), one thread ran { $longest_steps } steps ({ $longest }) at a stretch: the GIL did not change hands when the switch interval was up
    .expected = holds of about the switch interval, { $interval } (about { $interval_steps } steps): about { $expected_handovers } hand-overs
    .why = at each safe point (the start of a step) the holder must hand the GIL over once it has held it for the interval and another thread waits: perhaps the safe point compares the time held with the interval the wrong way round, or stops handing over after some event (a long step, a hand-over to nobody), or the interval is not measured from the moment this thread took the GIL
ex08-switch-descheduled = { $seen }: long in wall time but short in steps, so the holders were descheduled while they held the GIL (a busy machine)
ex08-switch-held-too-long =
    .observed = { $seen }: a thread held the GIL long past its switch interval while the other waited
    .expected = holds of about the switch interval, { $interval } (about { $interval_steps } steps): about { $expected_handovers } hand-overs
    .why = at each safe point (the start of a step) the holder must check whether its switch interval is up and another thread waits, and then hand the GIL over (and make sure the waiter really gets it before queuing again); perhaps step() never hands over, or only when nobody waits, or the holder takes the GIL straight back before the woken waiter gets it (the convoy problem); otherwise one CPU-bound thread starves the others, and a waiting thread (one that just got its I/O) stalls for the holder's whole run

## the experiment: the table, one measurement of it

ex08-table-title = the GIL experiment: the same steps serially on one thread, then split over threads running at once (switch interval { $interval })
ex08-table-serial = serial
ex08-table-threaded = threaded
ex08-table-ratio = ratio
ex08-table-row-no-gil = CPU-bound, 2 threads, no GIL
ex08-table-row-no-gil-note = (plain threads { $plain }; other processes used { $others } cores meanwhile)
ex08-table-row-gil = CPU-bound, 2 threads, GIL
ex08-table-row-gil-note = (the lecture's Python: 18.1 s vs 19.5 s, 1.08)
ex08-table-row-io = I/O-bound, { $threads } threads, GIL
ex08-table-handovers = GIL hand-overs while both CPU-bound threads wanted it: { $handovers } in { $window } (median hold { $median }, longest { $longest }); with three threads, the most a holder computed in one hold: { $computing }
ex08-experiment-summary = no GIL { $free } (other processes { $others } cores), GIL { $gil }, I/O { $io }, plain threads { $plain }; median hold { $hold }
ex08-no-measurement = no measurement
ex08-not-judged-after = not judged, after 3 attempts: { $why }
ex08-experiment-panicked =
    .observed = the Gil's code panicked while the experiment ran: { $message }
    .expected = no panic
    .why = a panic here means a bug in the Gil (or a todo!() that is not written yet)
ex08-experiment-stuck =
    .observed = the experiment (about half a second of steps) did not finish within { $secs } s
    .expected = every thread gets the GIL in turn and finishes its steps
    .why = a thread waits for the GIL forever: releasing it (dropping the guard, handing over at a safe point, allow_threads) must notify a waiting thread, and a thread that handed the GIL over must be able to take it back
ex08-experiment-no-result =
    .observed = the experiment ended without a result
    .expected = a result
    .why = internal error of the check

## steps_never_overlap_under_contention

ex08-did-acquired = had just acquired the GIL (acquire())
ex08-did-step = had just run a step (so this step began with a safe point)
ex08-did-allow-threads = had just come back from allow_threads
ex08-did-reacquired = had just dropped its guard and acquired the GIL again
ex08-contention-summary = { $contenders } threads, switch interval { $interval }: { $steps } steps in { $took }
ex08-contention-what = { $contenders } threads sharing Gil::with_switch_interval({ $interval }) ran tiny steps, and at random called allow_threads (a blocking call) or dropped their guard and acquired again
ex08-contention-overlap =
    .observed = { $what }: at step { $round } of thread `contender-{ $intruder }`, which { $intruder_did }, thread `contender-{ $holder }` was still inside a step; `contender-{ $holder }` { $holder_did } ({ $steps } steps run in all; { $replay })
    .expected = only the thread holding the GIL runs steps: never two threads inside a step at once
    .why = two threads believed they held the GIL. Possible causes: a thread woken in acquire() takes the GIL without looking again whether another thread took it first (an `if` around the wait instead of a loop, or a wait_while whose condition is not the GIL being held); allow_threads does not take the GIL back after the blocking call (or takes it back without waiting for it); a hand-over at a safe point queues again without waiting for its turn; or releasing clears the holder even when another thread holds the GIL
ex08-contention-wrong-gil =
    .observed = a guard returned by gil.acquire() answered gil() with another Gil
    .expected = guard.gil() is the very Gil the guard was acquired from
    .why = GilGuard::gil is provided code: it must return the guard's own `gil` field
ex08-contention-panicked =
    .observed = { $what }: the Gil's code panicked: { $message } ({ $replay })
    .expected = no panic
    .why = a panic here means a bug in the Gil (or a todo!() that is not written yet); perhaps an assertion that the calling thread does not hold the GIL fires because the holder is not cleared on release
ex08-contention-too-few = the machine is too busy: the threads ran only { $steps } steps in { $took }, and at least { $least } are needed to judge
ex08-contention-stuck =
    .observed = { $what }: after { $steps } steps, none ran for { $secs } s ({ $took } since the start; { $replay })
    .expected = every thread gets the GIL in turn and finishes its steps, in well under a second
    .why = some thread waits for the GIL for ever: perhaps a release (dropping the guard, a hand-over, allow_threads) does not notify a waiting thread, or notifies one that cannot take it, or a thread that handed the GIL over waits for a take that never comes

## waiting_for_the_gil_uses_no_cpu

ex08-what-acquire-then-allow-threads = acquire() of a free GIL, then allow_threads
ex08-what-acquire-while-in-allow-threads = acquire() while the only other thread was inside allow_threads
ex08-wait-holder-never-got =
    .observed = thread `handed-over` held the GIL (switch interval 1 ms) and ran steps; thread `holder` called acquire() and still had not got the GIL { $secs } s later
    .expected = the holder hands the GIL over at its first safe point after the interval
    .why = step() must hand the GIL over when the interval is up and another thread waits
ex08-waiter-handed-over = handed the GIL over at a safe point and queued to get it back
ex08-waiter-back-from-io = came back from allow_threads and waited to take the GIL back
ex08-waiter-acquire = called acquire()
ex08-wait-ended =
    .observed = thread `{ $name }`, which { $what }, ended while thread `holder` still held the GIL
    .expected = it waits until the holder lets go of the GIL
    .why = a thread that wants the GIL must wait while another thread holds it
ex08-wait-seen = while thread `holder` held the GIL inside one long step, thread `{ $name }`, which { $what }, { $usage }
ex08-wait-burns-cpu =
    .observed = { $seen }
    .expected = about 0 ms of CPU: a thread waiting for the GIL sleeps until it is notified
    .why = the wait burns the CPU: perhaps it loops looking at the GIL's state (lock, look, unlock, yield, look again) instead of waiting on a Condvar; the holder may need that very CPU to finish
ex08-wait-polls =
    .observed = { $seen }
    .expected = no wake-up while nothing changes: a waiting thread sleeps until the GIL is released
    .why = the wait polls: perhaps it sleeps a little (or waits with a short timeout) and looks again, instead of waiting on a Condvar that every release notifies
ex08-what-next-step = its next step
ex08-what-step-after-allow-threads = the step after allow_threads
ex08-what-acquire-and-step = acquire() and a step
ex08-wait-panicked =
    .observed = thread `{ $name }` panicked in { $what }: { $message }
    .expected = no panic
    .why = a panic here means a bug in the Gil
ex08-wait-never-woken =
    .observed = thread `holder` let go of the GIL; thread `{ $name }` was still waiting in { $what } { $secs } s later
    .expected = each waiting thread gets the GIL in turn
    .why = a release must wake a waiting thread (and the next release the next one); perhaps a notify is missing, or wakes a thread that then waits again without passing the GIL on
ex08-stuck-panicked =
    .observed = thread `{ $name }` panicked in { $what }: { $message }
    .expected = no panic
    .why = a panic here means a bug in the Gil (or a todo!() that is not written yet)
ex08-stuck =
    .observed = thread `{ $name }`: { $what } did not return within { $secs } s
    .expected = it returns at once: nobody else holds the GIL
    .why = a free GIL is taken without waiting; perhaps allow_threads does not release it, or acquire() waits for something other than the GIL being free

## misuse_panics_instead_of_hanging

ex08-proper-use-panicked =
    .observed = Gil::with_switch_interval(5 ms), then acquire() and its release twice in a row, panicked: { $message }
    .expected = no panic: a thread may take the GIL again once it has released it
    .why = this check needs the proper uses to work before it can see misuse refused
ex08-proper-use-stuck =
    .observed = Gil::with_switch_interval(5 ms), then acquire() and its release twice, did not return within { $secs } s
    .expected = the GIL taken and released at once, twice
    .why = dropping the guard must release the GIL so that the next acquire() gets it
ex08-zero-interval-accepted =
    .observed = Gil::with_switch_interval(Duration::ZERO) returned a Gil (whose switch_interval() is { $interval })
    .expected = a panic: a zero switch interval is refused
    .why = with a zero interval every safe point would hand the GIL over: its doc comment says it panics (assert! that the interval is not zero)
ex08-zero-interval-stuck =
    .observed = Gil::with_switch_interval(Duration::ZERO) did not return within { $secs } s
    .expected = a panic at once
    .why = creating a Gil should not wait for anything
ex08-acquire-twice-accepted =
    .observed = a thread that held the GIL called acquire() on it again and got a second guard
    .expected = a panic: the calling thread already holds this GIL
    .why = acquire() must refuse a thread that already holds the GIL (compare the holder with course_sync::thread::current().id()); handing out a second guard lets one thread release the GIL twice
ex08-state-asleep = asleep
ex08-state-running = running
ex08-acquire-twice-stuck =
    .observed = a thread that held the GIL called acquire() on it again: { $secs } s later it was still in acquire() ({ $state })
    .expected = a panic at once: the calling thread already holds this GIL
    .why = the thread waits for a GIL that only it can release, for ever (a self-deadlock): acquire() must first compare the holder with course_sync::thread::current().id() and panic if it is the caller

ex08-second-gil-refused =
    .observed = a thread holding one Gil acquired a second, different Gil: { $seen }
    .expected = the second acquire() returns at once: nobody holds that GIL
    .why = perhaps acquire() asks whether the thread holds *a* GIL (a thread-local flag) instead of *this* one; two Gil values are two locks, and holding one says nothing about the other. Compare the holder this Gil's own state records
ex08-second-gil-panicked = it panicked: { $message }
ex08-second-gil-stuck = it was still waiting { $secs } s later

## disabled_gil_never_waits

ex08-disabled-waits =
    .observed = two threads sharing Gil::disabled() were to meet inside a step, inside allow_threads and inside the step after it; { $secs } s later the first { $first } and the second { $second }
    .expected = both reach every meeting at once: without the GIL, acquire never waits and steps of different threads run at the same time
    .why = perhaps a disabled GIL is still taken somewhere: in acquire(), around a step, or when allow_threads takes it back after the blocking call (check `enabled` there too); a disabled GIL must make every one of them go straight on
ex08-disabled-stage = { $stage ->
        [0] was still in acquire()
        [1] was inside the first step
        [2] was inside allow_threads
        [3] was inside the step after allow_threads
       *[other] had finished
    }
ex08-disabled-panicked =
    .observed = two threads sharing Gil::disabled(), stepping and calling allow_threads: a panic: { $message }
    .expected = no panic: a disabled GIL lets every thread go on
    .why = a disabled GIL must accept every use an enabled one does

## count_down_and_compare_do_as_asked

ex08-call-panicked =
    .observed = { $call } panicked: { $message }
    .expected = no panic
    .why = a panic here means a bug in the experiment or the Gil (or a todo!() that is not written yet)
ex08-call-stuck =
    .observed = { $call } did not return within { $secs } s
    .expected = it returns once its steps and waits are done (a few seconds at most)
    .why = perhaps a count-down waits for the GIL for ever, or the call waits for a thread that never ends
ex08-count-down-from-zero-waits =
    .observed = count_down(&mut guard, 0, Workload::IoBound({ $pause })) went to sleep { $waits } time(s) and took { $took }
    .expected = no step and no wait: counting down from 0 has nothing to decrement
    .why = a loop over n, n-1, ..., 0 (for example `for _ in 0..=n`, or `while n >= 0`) makes n + 1 steps, one too many; the count-down steps once per decrement, while n > 0
ex08-count-down-waits-too-little =
    .observed = count_down(&mut guard, 3, Workload::IoBound({ $pause })) went to sleep { $waits } time(s) and took { $took }
    .expected = 3 steps, each followed by a wait of { $pause } inside allow_threads: at least 3 sleeps and 3 pauses
    .why = perhaps the loop stops one decrement early, or the I/O-bound workload does not really wait (or waits only once) after each step
ex08-compare-not-together =
    .observed = while { $call } ran, at most { $at_once } thread(s) of its own were alive at once
    .expected = { $threads } threads alive at once in the threaded part: one per count-down, all started before any is joined
    .why = perhaps each thread is joined right after it is spawned (a join inside the spawning loop), so the "threaded" count-downs run one after another; spawn all of them, then join them (std::thread::scope does both)
ex08-compare-timing-impossible =
    .observed = { $call } returned threads: { $threads }, serial { $serial }, threaded { $threaded }
    .expected = threads: { $expected_threads }; serial at least { $serial_least } (its count-downs' waits alone, one after another); threaded at least { $threaded_least } (one count-down's waits)
    .why = the times must be what was measured: perhaps the two are swapped, only part of the work is timed, or `threads` is not the number asked for

## experiment_table

ex08-run-panicked =
    .observed = { $call } panicked: { $message }
    .expected = the table
    .why = a panic here means a bug in the experiment or the Gil
ex08-run-stuck =
    .observed = { $call } did not return within { $secs } s
    .expected = the table, in well under a second
    .why = some count-down waits for the GIL for ever, or run() does much more work than asked
ex08-run-row = "{ $name }": { $threads } threads, serial { $serial }, threaded { $threaded }
ex08-run-row-count =
    .observed = { $call } gave { $rows } row(s): { $summary }
    .expected = three rows, in the lecture's order: CPU-bound on 2 threads without the GIL, CPU-bound on 2 threads with it, I/O-bound on io_threads threads with it
    .why = run() adds one row per compare()
ex08-run-row-threads =
    .observed = { $call } gave rows of { $threads } threads: { $summary }
    .expected = three rows, in the lecture's order: CPU-bound on 2 threads without the GIL, CPU-bound on 2 threads with it, I/O-bound on io_threads threads with it: [2, 2, { $io_threads }] threads
    .why = the CPU-bound rows compare two count-downs; the I/O-bound row as many as io_threads asks
ex08-run-ratio =
    .observed = row "{ $name }": serial { $serial }, threaded { $threaded }, but its ratio() is { $got }
    .expected = ratio() = threaded / serial = { $ratio }
    .why = Timing::ratio is provided code (threaded / serial): perhaps it was changed
ex08-run-not-printed =
    .observed = the printed table (Display) has no line with row "{ $name }" and its ratio { $ratio }: { $printed }
    .expected = one line per row with its name, times, threads and ratio, as the lecture's table
    .why = Display for Table is provided code: perhaps it was changed
ex08-run-io-too-fast =
    .observed = { $call }: the I/O-bound row took { $serial } serially and { $threaded } threaded
    .expected = at least { $least_serial } serially ({ $threads } count-downs of { $waits } waits of 3 ms one after another) and { $least_threaded } threaded (each thread's own waits)
    .why = each step of an I/O-bound count-down waits io_pause in allow_threads: perhaps the waits are skipped, or compare() runs fewer count-downs than asked
ex08-run-serial-too-fast =
    .observed = { $call }: row "{ $name }" took { $serial } serially, but one count-down from { $n } alone takes at least { $one } here
    .expected = the serial run does two count-downs from n, one after another: about twice that or more
    .why = compare() must run `threads` count-downs from n serially before it runs them on threads; perhaps it runs only one, or counts down from less than n
ex08-run-summary = { $rows }; ratios { $free } and { $gil }, other processes { $others } cores
ex08-run-rows-swapped =
    .observed = { $call }, with two cores free (other processes used { $others } cores): row "{ $first }" { $free } x the serial time, row "{ $second }" { $gil } x
    .expected = the first row without the GIL (about 0.5 x on two free cores), the second with it (about 1 x)
    .why = run() must compare Gil::disabled() in the first row and Gil::new() in the second; perhaps both rows use the same kind of Gil, or they are swapped, or Gil::disabled() still excludes
ex08-run-busy = other processes used { $others } cores: two cores were not free to tell the row without the GIL from the one with it

## built_on_the_facade

ex08-what-facade-probe = Gil::new(), acquire(), a step, allow_threads and dropping the guard, on one thread
ex08-facade-no-lock =
    .observed = { $what }: no course_sync lock was taken
    .expected = the GIL's state lives in a course_sync::Mutex (with course_sync::Condvar to wait on)
    .why = the GIL is built from std::sync (or atomics) directly: the checker can only watch the GIL's lock through the course's facade — import Mutex, Condvar and thread from course_sync
ex08-facade-panicked =
    .observed = { $what }: panicked: { $message }
    .expected = no panic
    .why = a bug in the Gil
ex08-facade-stuck =
    .observed = { $what }: did not finish within 3 s
    .expected = it finishes at once: no other thread wants the GIL
    .why = a single thread never waits for its own GIL: perhaps allow_threads does not release it before taking it back, or the guard is not what releases it

## gil_switches_every_interval, on a busy machine

ex08-switch-long-hold-busy = with three CPU-bound threads one thread ran { $longest_steps } steps ({ $longest }) at a stretch while other processes used { $others } cores: a busy machine can delay the thread the GIL is handed to, so the hold is judged again

## handovers_in_explored_schedules

ex08-explored-scenario = { $threads } threads sharing a GIL whose switch interval is 1 ns (so that every step is a safe point that hands the GIL over whenever another thread waits), each acquiring it, running { $steps } steps with allow_threads after the second, and dropping the guard
ex08-doing-acquire = in acquire()
ex08-doing-step = in step { $step } (at its safe point, or inside it)
ex08-doing-allow-threads = in allow_threads()
ex08-doing-drop = dropping its guard
ex08-bypass-explored =
    .observed = exploring the GIL saw no operation on a course_sync primitive
    .expected = acquire, the safe points, allow_threads and dropping the guard lock the GIL's course_sync::Mutex
    .why = your Gil never locked a course_sync::Mutex while it was explored: it takes its primitives from std::sync directly; the checker can only explore the GIL's interleavings through the course's facade — use course_sync::{"{"}Mutex, Condvar{"}"} and course_sync::thread
ex08-schedule-deadlock =
    .observed = { $description }: in one schedule every thread was blocked and none could go on — { $doing } — { $found }
    .expected = in every schedule every thread gets the GIL in turn and finishes
    .why = a thread waits for a wake-up that never comes. Perhaps a notification went to the wrong kind of waiter: one condition variable for both "the GIL is free" (threads in acquire) and "a waiter took it" (the holder handing over), each woken with notify_one, can wake a thread that cannot use it and leave the one that could asleep; use a condition variable per condition, or notify_all. Or the GIL is released without a notification (in drop, or in allow_threads), or a waiter does not look again after it wakes up
ex08-schedule-exclusion =
    .observed = { $description }: in one schedule two threads were inside a step at once — { $doing } — { $found }
    .expected = in every schedule only the thread holding the GIL runs a step
    .why = in some interleavings two threads believe they hold the GIL. Perhaps a thread takes the GIL after a wake-up without checking again that it is free (wait in a loop, or with wait_while), or a hand-over marks the GIL free while the holder goes on stepping, or the holder is compared as std::thread::current().id(): under exploration every explored thread runs on one OS thread, so std gives them all one id; use course_sync::thread::current().id()
ex08-schedule-panic =
    .observed = { $description }: in one schedule the GIL's code panicked: { $message } — { $found }
    .expected = no panic: every thread acquires the GIL once and drops it once
    .why = a panic in some interleavings only. If it says that the thread already holds the GIL, the holder is perhaps compared as std::thread::current().id(): under exploration every explored thread runs on one OS thread, so std gives them all one id; use course_sync::thread::current().id(). Otherwise look for a step that assumes nothing changed since the thread last held the GIL's inner Mutex
ex08-schedule-too-many-steps =
    .observed = { $description }: one schedule ran for hundreds of thousands of steps without finishing — { $found }
    .expected = in every schedule every thread gets the GIL in turn and finishes
    .why = a thread loops without sleeping (a busy wait for the GIL or for a hand-over, or a livelock): wait on a condition variable instead of retrying

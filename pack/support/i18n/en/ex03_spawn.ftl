# The hidden checks of ex03_spawn: what they say to a student (see pack/support/src/text.rs).

## every check first: child_main_returned

ex03-child-main-panicked =
    .observed = child_main() panicked in a program that was not started by Process::start: { $message }
    .expected = child_main() returns at once when this process is not a child
    .why = every program calls child_main() first thing in main(); when the entry variable is not set it must simply return

ex03-entry-from-command-line = the entry `run` ran in the checks' own program, which nobody started with Process::start: its command line is `run CHECK`, and child_main() took that first argument for the name of an entry. A program's arguments are its own; child_main() must recognise a child by what start() alone sets for it, such as an environment variable

## runs_in_another_process

ex03-step-join-whoami = join() of a process running `whoami`
ex03-entry-never-ran =
    .observed = the entry `whoami` never ran: it did not write { $path } (exit code { $code })
    .expected = the started process runs the named entry with the given arguments
    .why = start() must re-execute the current program (std::env::current_exe()) and tell it which entry to run and with which arguments; child_main() in the new process must find that entry and call it
ex03-entry-in-own-process =
    .observed = the entry ran inside the checker's own process (PID { $own }), not in a new one
    .expected = the entry runs in a new process, a child of the checker
    .why = start() must create a process (std::process::Command on std::env::current_exe()), not a thread: a thread shares the process, its PID and its memory
ex03-pid-mismatch =
    .observed = the entry ran in PID { $ran_in }, but Process::pid() said { $pid }
    .expected = pid() = Some({ $ran_in })
    .why = pid() must return the PID of the started child (std::process::Child::id())
ex03-not-a-direct-child =
    .observed = the entry ran in PID { $ran_in }, whose parent is { $ran_parent }, not the checker ({ $own })
    .expected = a direct child of the process that called start() (PID { $own })
    .why = start() must spawn the process itself, so that it can wait for it (no shell, no double fork)
ex03-arguments-changed =
    .observed = the entry got the arguments { $got }
    .expected = { $given }, exactly as given to Process::new
    .why = perhaps the arguments travel joined into one string and are split again (on spaces, so that "two words" becomes two and "" disappears), or something is added or dropped on the way; pass each one as its own command-line argument (Command::args) and read them with std::env::args()

## join_waits

ex03-step-join-sleeping = join() of a process sleeping { $sleep } ms
ex03-join-left-zombie =
    .observed = join() returned after { $took } ms, and then /proc/{ $pid } showed the child a zombie: it had exited, but nobody had waited for it (it sleeps { $sleep } ms)
    .expected = join() returns after the child exits (at least { $sleep } ms) and /proc/{ $pid } is gone
    .why = join() must wait for the child (std::process::Child::wait()), which also reaps it
ex03-join-left-running =
    .observed = join() returned after { $took } ms, and then /proc/{ $pid } showed the child still running (it sleeps { $sleep } ms)
    .expected = join() returns after the child exits (at least { $sleep } ms) and /proc/{ $pid } is gone
    .why = join() must block until the child has exited: std::process::Child::wait(), not try_wait()
ex03-join-returned-early =
    .observed = join() returned after { $took } ms, but the child sleeps { $sleep } ms
    .expected = join() returns after at least { $sleep } ms
    .why = join() must wait until the child has exited
ex03-start-panicked =
    .observed = the code panicked in start(): { $message }
    .expected = no panic
    .why = a panic here means a bug in Process::start (or a todo!() that is not written yet)
ex03-start-hangs =
    .observed = start() had not returned after { $seconds } s
    .expected = start() returns at once
    .why = start() spawns the child and returns; it does not wait for it
ex03-join-spins =
    .observed = while join() waited for a child that sleeps { $sleep } ms, the thread calling join() { $usage }
    .expected = join() blocked in the kernel until the child exits (Child::wait or waitpid): almost no CPU and a wake-up or two
    .why = perhaps join() loops around try_wait() (or waitpid with WNOHANG, or is_alive()) until the child is gone; or it sleeps a little and looks again. A blocking wait lets the kernel wake the thread once, when the child exits
ex03-join-panicked =
    .observed = the code panicked in join(): { $message }
    .expected = no panic
    .why = a panic here means a bug in Process::join
ex03-join-hangs =
    .observed = join() of a child sleeping { $sleep } ms had not returned after { $seconds } s
    .expected = join() returns once the child has exited
    .why = join() must wait for the child process itself (Child::wait), not for something that never happens

## exit_code_propagates

ex03-step-join-exit-with = join() of a process whose entry returns { $code }
ex03-wrong-exit-code =
    .observed = exit_code() = { $got } after join() for an entry that returned { $code }
    .expected = Some({ $code })
    .why = { $why }
ex03-exit-code-zero = exit code 0 for an entry that returned something else: child_main() must end the process with std::process::exit(entry(&args)), the entry's return value
ex03-exit-code-none = exit_code() must be Some(code) once join() has seen the exit (ExitStatus::code())
ex03-exit-code-other = the entry's return value must become the process's exit status (std::process::exit), and join() must report ExitStatus::code()

## panic_propagates

ex03-step-join-panic = join() of a process whose entry panics
ex03-panic-wrong-code =
    .observed = exit_code() = { $got } after join() for an entry that panicked
    .expected = Some(101)
    .why = { $why }
ex03-panic-code-zero = exit code 0 hides the panic: child_main() must not catch it (no catch_unwind); an uncaught panic unwinds out of main and the process exits with 101 by itself
ex03-panic-code-one = exit code 1: the panic was caught and turned into another code; let it unwind out of main so the process exits with 101, as every panicking Rust program does
ex03-panic-code-none = exit_code() must be Some(code) once join() has seen the exit
ex03-panic-code-other = a panicking Rust program exits with 101: let the panic unwind out of main, do not catch it

## signal_exit_code

ex03-step-join-killed = join() of a process killed by { $name }
ex03-signal-wrong-code =
    .observed = exit_code() = { $got } for a child killed by { $name } (signal { $signal })
    .expected = Some(-{ $signal })
    .why = { $why }
ex03-signal-as-shell-code = { $code } = 128 + { $signal } is the shell's way to show a signal in $?; this course follows Python's multiprocessing: a child killed by signal { $signal } has exit code -{ $signal } (-ExitStatusExt::signal())
ex03-signal-code-none = a child killed by a signal has no exit code (ExitStatus::code() is None): use std::os::unix::process::ExitStatusExt::signal() and store minus the signal number
ex03-signal-code-other = a killed child did not exit with a code: the signal ended it. Report -signal: status.code() is None, status.signal() is Some({ $signal }) (ExitStatusExt)

## no_process_left_behind

ex03-step-drop-three = dropping three started processes
ex03-drop-left-children =
    .observed = right after dropping 3 started, unjoined Process values (PIDs { $pids }; drop took { $took } ms), { $count } of them still existed: { $described }
    .expected = drop waits for each started, unjoined child (~{ $sleep } ms) and reaps it
    .why = dropping a std::process::Child neither waits for nor kills the process: implement Drop for Process so that it joins a started, unjoined child; otherwise it runs on unwatched and ends as a zombie
ex03-drop-ended-children =
    .observed = dropping 3 started, unjoined Process values (PIDs { $pids }) took { $took } ms, and { $count ->
        [one] the child { $unfinished } never finished its entry
       *[other] the children { $unfinished } never finished their entries
    } (each sleeps { $sleep } ms and then writes a file): { $count ->
        [one] it was
       *[other] they were
    } ended, not waited for
    .expected = drop waits for each started, unjoined child to finish (~{ $sleep } ms) and reaps it
    .why = perhaps Drop kills the child (Child::kill) before reaping it; a dropped Process must join it, as Python's multiprocessing lets a started process run to its end
ex03-left-zombie = { $pid } a zombie (exited, never waited for)
ex03-left-running = { $pid } still running

## new_starts_nothing

ex03-step-new-then-start = Process::new, then start()
ex03-new-spawns =
    .observed = 150 ms after Process::new("sleep_ms", ...), before start(), the checker had { $count } new child { $count ->
        [one] process
       *[other] processes
    } ({ $pids }) and pid() returned { $pid }
    .expected = no child process and pid() = None until start() is called
    .why = perhaps new() already spawns the child (Command::spawn belongs in start()); or pid() returns something before start(). As Python's Process(target=...), new only describes the process: a program may create it now and start it much later, or never
ex03-start-children =
    .observed = right after start() the checker had { $count } new child process(es) ({ $pids }) and pid() returned { $pid }
    .expected = exactly one new child process, whose PID pid() returns
    .why = perhaps start() spawns more than one process, or none (the entry ran in a thread); or pid() does not give the PID of the child it spawned (Child::id())
ex03-none = none

## child_stdio

ex03-step-start-stdio-probe = start() of a process that sleeps 1500 ms
ex03-stdio-not-inherited =
    .observed = while the started child ran, /proc showed: { $wrong }
    .expected = stdin /dev/null (Stdio::null()), stdout and stderr inherited from the parent (Command's default)
    .why = perhaps start() sets stdout or stderr to Stdio::null() or Stdio::piped() (then the child's output is lost or waits in a pipe nobody reads); or it leaves stdin inherited, so that the child competes with the parent for its input. multiprocessing gives the child no stdin and the parent's terminal for its output
ex03-stdio-is = its { $name } (descriptor { $fd }) is { $target } instead of { $expected }
ex03-not-open = not open
ex03-parents-stdout = the parent's stdout (a file of the checker)
ex03-parents-stderr = the parent's stderr

## join_twice_is_ok

ex03-entry-returns-5 = returns 5
ex03-entry-killed = is killed by SIGKILL
ex03-step-two-joins = two joins of a process whose entry { $what }
ex03-first-join-failed =
    .observed = the first join() of a process whose entry { $what } returned { $first }, then exit_code() = { $code1 }
    .expected = Ok(()), then Some({ $expected_code })
    .why = join() waits for the child and keeps its status (see join_waits, exit_code_propagates and signal_exit_code)
ex03-second-join-differs =
    .observed = for a process whose entry { $what }: the first join() returned Ok(()) with exit_code() = { $code1 }; the second returned { $second }, then exit_code() = { $code2 } and pid() = { $pid2 } (the child was PID { $pid })
    .expected = the second join() returns Ok(()) at once; exit_code() stays { $code1 } and pid() stays Some({ $pid })
    .why = perhaps join() waits again for a child that was already reaped (waitpid then fails with ECHILD, or std's Child gives an error); or it takes the Child out of the Process, so the second join finds nothing started. Keep the status the first join saw and return Ok(()) when it is there, as Python's join() does

## is_alive_without_blocking

ex03-step-is-alive = is_alive() of a process that sleeps { $sleep } ms
ex03-is-alive-before-start =
    .observed = is_alive() of a Process that was never started: { $answer }
    .expected = false: there is no child, so none is alive
    .why = perhaps is_alive() unwraps the Child (or a PID) that only start() sets; a Process that was not started is not alive, as in Python
ex03-is-alive-blocks =
    .observed = is_alive() on a child that sleeps { $sleep } ms took { $took } ms to answer ({ $running })
    .expected = an answer at once, without waiting for the child
    .why = perhaps is_alive() waits for the child (Child::wait) instead of asking (Child::try_wait, waitpid with WNOHANG)
ex03-is-alive-false-while-running =
    .observed = is_alive() = false right after start(), for a child that sleeps { $sleep } ms
    .expected = true
    .why = perhaps is_alive() reads the answer the wrong way round (try_wait() gives Ok(None) while the child runs), or looks at a status only join() sets
ex03-is-alive-true-for-zombie =
    .observed = is_alive() = true for a child that had exited (/proc showed it as a zombie: exited, not yet waited for)
    .expected = false once the child has exited, joined or not
    .why = perhaps is_alive() only checks that the PID exists (kill(pid, 0) or /proc/PID), which stays true for a zombie until it is reaped; or it answers from what join() stored. Child::try_wait() tells an exited child from a running one
ex03-exit-code-before-join =
    .observed = exit_code() = Some({ $code }) after is_alive() had seen the child exit, before join() was called
    .expected = None until join() (then Some(0))
    .why = perhaps is_alive() stores the status that try_wait() returned where exit_code() reads it; it may keep that status for join(), but the exit code is given only once join() has run, as in Python (exitcode is set by join)
ex03-exit-code-after-join =
    .observed = after is_alive() had seen the child exit and join() returned, exit_code() = { $code }
    .expected = Some(0): the entry returned 0
    .why = perhaps join() does not keep the status that is_alive() (try_wait) already took: the child is reaped only once, so whatever reaps it must keep its status for join()

## every check: running student code (run_steps, started, joined, child_pid)

ex03-step-panicked =
    .observed = the code panicked during { $what }: { $message }
    .expected = no panic
    .why = a panic here means a bug in Process (or a todo!() that is not written yet)
ex03-step-ended =
    .observed = { $what } ended without a result
    .expected = a result
    .why = internal error of the check
ex03-step-timed-out =
    .observed = { $what } had not finished after { $seconds } s
    .expected = each step finishes within a second
    .why = join() (or Drop, or start()) blocked much longer than the child runs: wait for the child process itself (Child::wait), not for something that never happens
ex03-start-err =
    .observed = start() returned Err({ $error })
    .expected = Ok(())
    .why = start() must spawn std::env::current_exe(); perhaps it runs argv[0] (std::env::args().next()) instead, which is the path of the program only when it was started by its path: this one was started as `{ $argv0 }`, as a program found through PATH is
ex03-join-err =
    .observed = join() returned Err({ $error })
    .expected = Ok(())
    .why = join() waits for the started child
ex03-pid-none =
    .observed = pid() returned None after start()
    .expected = Some(pid of the child)
    .why = pid() must return the child's PID once started (Child::id())
ex03-pid-is-own =
    .observed = pid() returned the checker's own PID { $own }
    .expected = the PID of a new child process
    .why = start() must create a new process (std::process::Command on std::env::current_exe()), not run the entry on a thread
ex03-pid-not-a-child =
    .observed = pid() returned { $pid }, which is not a child of the checker (its parent: { $parent })
    .expected = the PID of a child of PID { $own }
    .why = pid() must return the PID of the started child (Child::id())

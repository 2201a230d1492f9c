# The hidden checks of ex02_fork: what they say to a student (see pack/support/src/text.rs).

## forks_n_children

ex02-wrong-child-count =
    .observed = { $observed }
    .expected = { $workers } distinct child processes (`ex02_fork { $workers } { $n }`)
    .why = { $why }
ex02-children-one-at-a-time =
    .observed = the program forked its { $count } children one after another: at most { $most } of them existed at a time (each computes for about { $per_worker } ms)
    .expected = all { $workers } children at the same time, computing their shares side by side
    .why = perhaps the parent waits for each child (waitpid, or a read of its share) before it forks the next one; then the children take turns and the work is no faster than in one process. Fork every child first, then read the shares and reap them
ex02-saw-no-child = no child process of the program (PID { $pid }) was seen during its { $elapsed } ms run (sampled every millisecond)
ex02-saw-one-child = exactly one child process (PID { $pid }) for { $workers } workers
ex02-saw-children = { $count } distinct child processes (PIDs { $pids }) for { $workers } workers
ex02-no-fork = the work must run in child processes made with fork(); threads or a plain loop run inside the program's own process and are no children
ex02-one-fork = a single child did all the work: call fork() once per worker, in a loop, and give child i share(i, workers, n)
ex02-too-few-forks = only { $count } of the { $workers } forks happened: fork once per worker
ex02-too-many-forks = more children than workers: a child that returns from fork() into the parent's loop forks again; the child must compute its share and leave with _exit(0)
ex02-parent-did-the-work =
    .observed = the program's own process used { $parent_cpu } ms of CPU, its { $count } children { $children_cpu } ms in all
    .expected = the children compute (each about a third of the work); the parent only waits for their shares
    .why = the parent computed the work itself: each child must compute its share, share(i, workers, n), after fork() in the child branch, and send the sum through the pipe
ex02-idle-child =
    .observed = child { $pid } used { $cpu } ms of CPU while another child used { $busiest } ms (CPU per child: { $per_child })
    .expected = each of the 3 children computes about a third of the work
    .why = each child must compute its own share, share(i, workers, n), in the child process
ex02-child-bad-exit =
    .observed = of the { $count } children, { $statuses } (read from /proc while the program was paused, before it reaped them)
    .expected = every child leaves with _exit(0) once it has written its share
    .why = perhaps a child leaves with another code after an error it went on from (a write to the pipe that seemed to fail, a check that goes the wrong way); or it panicked (status 101) or was killed by a signal. The total can still be right, but whoever waits for the child reads a non-zero status as a failed worker
ex02-child-exited-with = child { $pid } exited with status { $status }
ex02-child-killed-by = child { $pid } was killed by signal { $signal }

## reaps_every_child

ex02-nothing-to-reap = nothing to reap
ex02-not-reaped =
    .observed = when the program (PID { $pid }) exited, { $count } of its { $children } children had not been waited for: { $described }
    .expected = every child reaped by the program with waitpid before it exits
    .why = { $why }
ex02-leftover-zombie = child { $pid } was still a zombie (it had exited, but nobody waited for it)
ex02-leftover-running = child { $pid } was still running (state { $state }): an orphan, re-parented to the checker
ex02-why-zombie = a child that has exited stays a zombie until its parent waits for it
ex02-why-orphan = a child still running when its parent exits becomes an orphan and is re-parented (here to the checker)
ex02-why-waitpid = the parent must call waitpid(child, None) for every PID that fork() returned before it exits

## memory_not_shared

ex02-parent-counter-changed =
    .observed = the program printed `parent counter: { $parent_counter }` (total: { $total })
    .expected = parent counter: 0
    .why = { $why }
ex02-counter-threads = no child process was seen: the work ran in threads of one process, and threads share one memory, so the change shows; fork() gives each child its own copy
ex02-counter-is-total = the parent counter equals the total: the parent added the children's shares to its own `counter`. After fork() each child has its own copy of memory: a child's `counter += sum` changes only the child's copy, so the parent's counter stays 0; the parent adds what it reads from the pipe to `total` only
ex02-counter-copied = after fork() each child has its own copy of memory: a child's `counter += sum` changes only the child's copy, so the parent's counter must stay 0; only the pipe carries values back
ex02-nothing-to-count = the parent's counter cannot show a child's change

## correct_total

ex02-wrong-total =
    .observed = `ex02_fork { $workers } { $n }` printed `total: { $total }`, { $direction ->
        [more] more
       *[less] less
    } than the right sum by { $difference }
    .expected = total: { $expected } (the sum of work(k) for k in 0..{ $n })
    .why = { $why }
ex02-remainder-dropped = the numbers { $from }..{ $n } were never computed: n = { $n } is not a multiple of { $workers }, and n / workers = { $chunk } per worker drops the remainder; use share(i, workers, n), which covers 0..n exactly
ex02-total-times-workers = the total is 3 times too big: every child computed the whole range 0..n instead of its own share(i, workers, n)
ex02-total-is-one-share = the total is exactly worker { $worker }'s share: the parent must read one u64 from the pipe per child and add them all
ex02-total-too-big = the total is too big: some numbers were computed twice (shares overlap) or a share was read twice; the shares must cover 0..n exactly once (share(i, workers, n))
ex02-total-too-small = the total is too small: some numbers were skipped (a gap between shares, or a lost pipe message); the shares must cover 0..n exactly once (share(i, workers, n)) and the parent must read 8 bytes per child

## parent_waits_without_spinning

ex02-nothing-to-wait-for = there is nothing the parent waits for
ex02-parent-busy-waiting =
    .observed = while its { $count } children computed ({ $per_child } ms of CPU each on average), the program's own process used { $cpu } ms of CPU in { $wall } ms and went to sleep { $sleeps } times
    .expected = the parent blocked until a share arrives (read on the pipe) or a child exits (waitpid without WNOHANG): almost no CPU, a wake-up per message
    .why = { $why }
ex02-parent-spins = the parent was busy the whole time the children computed: perhaps it loops on waitpid with WNOHANG, or reads a non-blocking pipe again and again until data arrives. A blocking read (or waitpid) lets the kernel wake the parent when there is something to do
ex02-parent-polls = the parent woke up hundreds of times a second: perhaps it sleeps a little and looks again (waitpid with WNOHANG, a non-blocking read) in a loop. A blocking read (or waitpid) lets the kernel wake the parent when there is something to do

## shares_through_a_pipe

ex02-nothing-to-share-a-pipe = no child could share a pipe with the parent
ex02-no-shared-pipe =
    .observed = while the children computed, the program's own process had { $parent } open (besides 0, 1, 2); { $children }
    .expected = one pipe, created before fork(): the parent keeps its read end open, every child has its write end
    .why = no pipe connects the children with the parent: perhaps the shares travel through a file or a shared memory mapping instead. The exercise is about the pipe: create it with pipe() before the loop of forks, let each child write its 8 bytes to the write end and the parent read them from the read end
ex02-no-pipe-or-socket = no pipe or socket
ex02-child-had = child { $pid } had { $channels }

## any_number_of_workers

ex02-wrong-total-for-workers =
    .observed = `ex02_fork { $workers } { $n }` printed `total: { $total }`
    .expected = total: { $expected }
    .why = perhaps the loop of forks or the shares are off for this number of workers; { $why }
ex02-empty-shares = with more workers than numbers some shares are empty (share(i, workers, n) gives an empty range): such a child sends 0, and the parent still reads one value per child
ex02-whole-range = one worker computes the whole range 0..n: share(0, 1, n) is 0..n
ex02-fewer-children-than-workers =
    .observed = `ex02_fork { $workers } { $n }` created at most { $created } process(es) or thread(s) while it ran (the ids the kernel handed out in the job's namespace, less the program's own)
    .expected = { $workers } child processes, one per worker, also for workers whose share is empty
    .why = perhaps fork_sum forks only as many children as there are numbers (workers.min(n)), or returns early when there is nothing to sum; the program promises exactly `workers` children: a child with an empty share sends 0
ex02-single-worker-children =
    .observed = `ex02_fork 1 { $n }` ran { $count } child process(es)
    .expected = exactly one child process
    .why = fork once per worker, even for a single worker (a loop over 0..workers)
ex02-workers-not-reaped =
    .observed = `ex02_fork { $workers } { $n }` exited leaving { $count } child(ren) not waited for
    .expected = every child reaped
    .why = waitpid every PID fork() returned, also when the shares are empty
ex02-zero-workers-accepted =
    .observed = `ex02_fork 0 100` ended with { $status }, printed { $stdout } and ran { $count } child process(es)
    .expected = exit status 2 with the usage on stderr, and no child
    .why = zero workers cannot compute anything: the provided main.rs refuses it (`workers > 0`) with a usage message; keep it

## every check: running the program (Run::observe_with, exited_ok, output, no_children)

ex02-could-not-start =
    .observed = the program could not be started: { $error }
    .expected = a program that runs
    .why = the checker runs your compiled binary
ex02-still-running =
    .observed = `ex02_fork { $workers } { $n }` was still running after { $seconds } s
    .expected = the program finishes in about a second (each worker computes ~{ $per_worker } ms)
    .why = the parent must not wait for something that never comes: read exactly one u64 per child (close the write end of the pipe in the parent), and every child must leave with _exit(0)
ex02-bad-exit =
    .observed = `ex02_fork { $workers } { $n }` ended with { $status } and printed { $stdout }
    .expected = exit status 0
    .why = the program must finish normally: a child that returns from fork() into main (instead of _exit(0)) or a failed pipe read often ends it badly
ex02-output-malformed =
    .observed = `ex02_fork { $workers } { $n }` printed { $stdout }
    .expected = two lines: `total: <total>` and `parent counter: <parent_counter>`
    .why = the provided main.rs prints the Outcome in this format: keep it
ex02-no-children =
    .observed = no child process of the program (PID { $pid }) was seen during its { $elapsed } ms run: { $consequence }
    .expected = { $workers } child processes made with fork()
    .why = this check is about child processes: the work must run in children made with fork() (see forks_n_children)

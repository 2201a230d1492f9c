# The hidden checks of ex04_pool: what they say to a student (see pack/support/src/text.rs).

## never_more_than_max_workers_jobs

ex04-doing-submit-12 = submitting 12 jobs to ThreadPool::new(3)
ex04-thread-per-job =
    .observed = { $peak } jobs ran at once ({ $jobs } jobs of 40 ms submitted to ThreadPool::new({ $max }))
    .expected = at most max_workers = { $max } jobs at once
    .why = every job got a thread of its own: the pool starts a thread per job instead of reusing its max_workers workers
ex04-more-jobs-than-workers =
    .observed = { $peak } jobs ran at once ({ $jobs } jobs of 40 ms submitted to ThreadPool::new({ $max }))
    .expected = at most max_workers = { $max } jobs at once
    .why = the pool runs more jobs at once than it has workers: only the max_workers threads started in new() may run jobs
ex04-not-all-jobs-ran =
    .observed = only { $ran } of { $jobs } submitted jobs ran within { $secs } s
    .expected = all { $jobs } jobs run (12 jobs of 40 ms on 3 workers take about 160 ms)
    .why = submitted jobs must be queued and taken by the workers one after another until the queue is empty

## worker_threads_bounded

ex04-doing-submit-20 = submitting 20 jobs to ThreadPool::new(3)
ex04-thread-per-job-counted =
    .observed = /proc/self/task counted up to { $peak } threads while { $jobs } jobs of 20 ms ran, { $before } before the pool: the pool used { $added } threads
    .expected = at most max_workers = { $max } threads for the pool
    .why = the pool starts a new thread for every job (even if only max_workers of them run at once): start max_workers threads in new() and let them take jobs from one queue
ex04-more-threads-than-workers =
    .observed = /proc/self/task counted up to { $peak } threads while { $jobs } jobs of 20 ms ran, { $before } before the pool: the pool used { $added } threads
    .expected = at most max_workers = { $max } threads for the pool
    .why = the pool starts more threads than max_workers: start exactly max_workers threads in new(), and no thread later
ex04-workers-stop-taking-jobs =
    .observed = only { $ran } of { $jobs } submitted jobs ran within { $secs } s
    .expected = all { $jobs } jobs run
    .why = the workers must keep taking jobs from the queue until it is closed

## sleeping_jobs_overlap

ex04-no-measurement = no measurement
ex04-doing-timing-7 = timing 7 sleeping jobs
ex04-overlap-summary = { $jobs } jobs: { $all } = { $ratio } x one job ({ $one })
ex04-sleeping-job-gave-err =
    .observed = result() returned Err for { $failed } of { $jobs } jobs that only sleep
    .expected = Ok(()) for every job
    .why = a job that does not panic must give Ok
ex04-one-job-too-slow = one { $sleep } job alone took { $one }: the machine is too busy
ex04-fewer-jobs-at-once =
    .observed = { $jobs } jobs sleeping { $sleep } each took { $all } on ThreadPool::new({ $max }), { $ratio } times one job alone ({ $one }): about { $at_once } jobs ran at once
    .expected = about ceil({ $jobs } / { $max }) = { $rounds } times one job: { $max } jobs at a time
    .why = fewer jobs run at once than max_workers: the pool must start max_workers worker threads, and a worker must not hold the queue's lock while its job runs (take the job, release the lock, then run it)
ex04-more-jobs-at-once =
    .observed = { $jobs } jobs sleeping { $sleep } each took { $all } on ThreadPool::new({ $max }), { $ratio } times one job alone ({ $one }): about { $at_once } jobs ran at once
    .expected = about ceil({ $jobs } / { $max }) = { $rounds } times one job: { $max } jobs at a time
    .why = more jobs run at once than max_workers: the pool must run jobs on its max_workers workers only, not on a thread per job

## as_completed_order

ex04-as-completed-err =
    .observed = as_completed yielded Err(JobPanicked) for a job that did not panic
    .expected = Ok(value) for each job
    .why = only a job that panicked gives Err
ex04-doing-running-4 = running 4 jobs on ThreadPool::new(4) ({ $finished } finished)
ex04-as-completed-stalled-spins =
    .observed = all 4 jobs had finished, but as_completed had yielded only { $yielded } result(s) { $secs } s later{ $note }
    .expected = each result yielded as soon as its job completes
    .why = as_completed (or the result() it calls) busy-waits for something that never happens: block on a channel or a condition variable that the worker signals after storing the result
ex04-as-completed-stalled-waits =
    .observed = all 4 jobs had finished, but as_completed had yielded only { $yielded } result(s) { $secs } s later{ $note }
    .expected = each result yielded as soon as its job completes
    .why = as_completed waits for a notification that never comes: register interest in each job under the same lock the worker takes to store its result, so that no completion is missed
ex04-doing-iterating-4 = iterating as_completed over 4 jobs
ex04-as-completed-count =
    .observed = as_completed yielded { $count } results for 4 jobs: jobs { $jobs }
    .expected = one result per handle
    .why = as_completed must yield exactly one result for each handle it was given
ex04-as-completed-submission-order =
    .observed = as_completed yielded the jobs in the order { $yielded }, but they finished in the order { $finished } (job i sleeps { $sleeps } ms)
    .expected = the order they finished in: { $finished }
    .why = that is the submission order: calling result() on each handle in turn waits for the slowest first; as_completed must yield whichever job finishes next (let the jobs report on one shared channel)
ex04-as-completed-wrong-order =
    .observed = as_completed yielded the jobs in the order { $yielded }, but they finished in the order { $finished } (job i sleeps { $sleeps } ms)
    .expected = the order they finished in: { $finished }
    .why = as_completed must yield each result as soon as its job completes
ex04-as-completed-waits-for-all =
    .observed = as_completed yielded its first result (job { $first }) only after all { $jobs } jobs had finished, though they finished { $apart } ms apart
    .expected = the first result as soon as the first job completes
    .why = as_completed must not wait for all jobs before yielding: yield each result when its job completes

## drop_joins_workers

ex04-drop-does-not-join =
    .observed = drop(pool) returned after { $took } with only { $finished } of { $jobs } queued jobs (50 ms each, 2 workers) finished; { $after } threads still ran afterwards ({ $before } before the pool)
    .expected = drop(pool) returns after every queued job ran (about { $total_ms } ms) and every worker was joined
    .why = Drop does not wait for the workers: drop the queue's Sender so that each worker's recv() fails once the queue is empty, then join() every worker's JoinHandle
ex04-drop-discards-jobs =
    .observed = drop(pool) returned after { $took } with only { $finished } of { $jobs } queued jobs (50 ms each, 2 workers) finished
    .expected = drop(pool) returns after every queued job ran (about { $total_ms } ms) and every worker was joined
    .why = Drop threw away jobs still in the queue: close the queue (drop the Sender) and let the workers empty it before they exit, then join them
ex04-drop-leaves-threads =
    .observed = after drop(pool) returned, /proc/self/task still counted { $after } threads, { $before } before the pool was made
    .expected = { $before } threads: every worker joined
    .why = Drop must join() every worker thread, so that none outlives the pool

## panicking_job_does_not_kill_pool

-ex04-panic-expected = Err(JobPanicked) from result() of a panicking job, and later jobs still run on all max_workers workers
-ex04-catch = wrap each job in std::panic::catch_unwind(AssertUnwindSafe(job)) inside the worker, so that a panic becomes Err(JobPanicked) for its handle and the worker goes on with the next job
ex04-stage-panicked = result() of a job that panicked
ex04-stage-after-panics = result() of a job submitted after the panicking ones
ex04-panic-worker-gone =
    .observed = { $stage } did not return within { $secs } s, and /proc/self/task counts { $now } threads, { $made } right after the pool was made: { $lost } worker thread(s) are gone
    .expected = { -ex04-panic-expected }
    .why = the panic killed the worker that ran the job: it unwound out of the worker's loop, ended the thread, and the job's result was never stored; { -ex04-catch }
ex04-panic-result-spins =
    .observed = { $stage } did not return within { $secs } s{ $note }
    .expected = { -ex04-panic-expected }
    .why = result() busy-waits for something that never happens: block on a channel or a condition variable that the worker signals once the result (Ok or Err) is stored
ex04-panic-result-hangs =
    .observed = { $stage } did not return within { $secs } s
    .expected = { -ex04-panic-expected }
    .why = a panicking job must not stop the pool or leave its handle waiting; { -ex04-catch }; and never hold the queue's lock while a job runs
ex04-panic-reaches-caller =
    .observed = while waiting for { $stage }, the pool's code panicked: { $message }
    .expected = { -ex04-panic-expected }
    .why = a job's panic must come back as Err(JobPanicked) from result(), not as a panic in the caller (if the workers died, submit() and result() find closed channels); { -ex04-catch }
ex04-scenario-ended-before =
    .observed = the scenario ended before { $stage }
    .expected = { -ex04-panic-expected }
    .why = internal error of the check
ex04-panicked-job-gave-ok =
    .observed = result() of a job that panicked returned Ok
    .expected = Err(JobPanicked)
    .why = a job that panicked must give Err(JobPanicked)
ex04-job-panicked-display =
    .observed = result() of a job that panicked gave Err(JobPanicked), which prints as { $shown }
    .expected = a sentence saying that the job panicked, as the provided Display of JobPanicked writes ("the job panicked")
    .why = the error is what a caller shows its user: perhaps the provided `impl Display for JobPanicked` was changed or emptied; it needs no change
ex04-panic-workers-died =
    .observed = after { $max } jobs panicked, /proc/self/task counted { $now } threads, { $made } right after the pool was made: { $died } worker thread(s) died
    .expected = { -ex04-panic-expected }
    .why = the panic killed the worker that ran the job, so the pool has fewer workers for the next jobs; { -ex04-catch }
ex04-job-after-panics =
    .observed = a job that returns { $value } gave { $got } after { $max } other jobs had panicked
    .expected = Ok({ $value })
    .why = a job that does not panic must give Ok(value), even after other jobs panicked

## new_zero_panics

ex04-new-one-wrong-value =
    .observed = on ThreadPool::new(1), result() of a job returning 2 gave { $got } (Some: Ok)
    .expected = Some(2)
    .why = result() must give Ok with the job's value
ex04-doing-one-job = running one job on ThreadPool::new(1)
ex04-new-zero-returned =
    .observed = ThreadPool::new(0) returned a pool
    .expected = a panic: a pool with no worker could never run a job
    .why = new() must check its argument, for example with assert!(max_workers > 0, "..."); perhaps the check is missing, or 0 is replaced by 1
ex04-new-zero-hangs =
    .observed = ThreadPool::new(0) neither returned nor panicked within { $secs } s
    .expected = a panic at once
    .why = new() must check max_workers before anything else and panic when it is 0; perhaps it waits for workers that never start

## submit_returns_while_workers_are_busy

ex04-jobs-not-started =
    .observed = only { $started } of { $jobs } jobs started on ThreadPool::new({ $jobs }) within { $secs } s{ $note }
    .expected = { $jobs } jobs run at once on { $jobs } workers
    .why = the pool must start max_workers workers in new(), and a worker must not hold the queue's lock while its job runs
ex04-doing-submit-2 = submitting 2 jobs to ThreadPool::new(2)
ex04-submit-waits-returned-later =
    .observed = while both workers of ThreadPool::new({ $max }) ran a job that waited for the check, { $more } more submit() calls had not all returned after 2 s; it returned once the check let the busy jobs finish
    .expected = submit() queues the job and returns at once, even when every worker is busy
    .why = submit() waits for a free worker: perhaps the queue is bounded (sync_channel with a small capacity, or a rendezvous with an idle worker), or submit() holds a lock that a busy worker holds while its job runs
ex04-submit-waits-never-returned =
    .observed = while both workers of ThreadPool::new({ $max }) ran a job that waited for the check, { $more } more submit() calls had not all returned after 2 s; it still had not returned 5 s after the busy jobs were let finish
    .expected = submit() queues the job and returns at once, even when every worker is busy
    .why = submit() waits for a free worker: perhaps the queue is bounded (sync_channel with a small capacity, or a rendezvous with an idle worker), or submit() holds a lock that a busy worker holds while its job runs
ex04-doing-submit-20-busy = submitting 20 jobs while the workers are busy
ex04-job-gave = job { $job } gave { $got }
ex04-queued-jobs-wrong =
    .observed = after the workers were free again: { $wrong }
    .expected = Ok(i) from result() of job i, for all 22 jobs
    .why = every queued job must run and its handle give its own value
ex04-doing-results-22 = result() of 22 jobs once the workers were free

## is_done_tells_without_blocking

ex04-is-done-true-while-running =
    .observed = is_done() said { $said } (asked 3 times) while the job was still running: it was waiting for the check to let it finish
    .expected = false until the job has returned
    .why = is_done() must say whether the job has finished, not whether it was submitted or taken by a worker: perhaps the flag it reads is set before the job runs, or it returns true unconditionally
ex04-is-done-blocks =
    .observed = is_done() of a running job did not return within { $secs } s{ $note } (or the job never started on ThreadPool::new(2))
    .expected = is_done() returns false at once while the job runs
    .why = is_done() must not wait for the job: perhaps it calls recv() or result(), or waits on a condition variable, instead of looking (try_recv, or the flag or Option under a lock)
ex04-doing-submit-one = submitting a job to ThreadPool::new(2)
ex04-is-done-changes-its-answer =
    .observed = is_done() said true { $after } after the job was let finish, then false when asked again
    .expected = true, and true again: a finished job stays finished
    .why = asking must not change the answer: perhaps is_done() takes the result out to look at it (try_recv on the handle's channel), so it is gone for the next is_done() and for result(); keep what try_recv returned in the handle
ex04-is-done-never-true =
    .observed = is_done() still said false { $secs } s after the job (which returns 7) was let finish
    .expected = true as soon as the job has run
    .why = perhaps the flag or result is never stored where is_done() looks, or the job never ran
ex04-doing-is-done-after = is_done() after the job finished
ex04-call-timed-out = did not return within { $secs } s
ex04-call-gave-ok = gave Ok({ $value })
ex04-call-gave-err = gave Err(JobPanicked)
ex04-call-panicked = panicked: { $message }
ex04-result-after-is-done =
    .observed = after is_done() had said true, result() (called on another thread than submit) { $outcome }
    .expected = Ok(7), the job's value, at once
    .why = is_done() must leave the result for result(): perhaps is_done() consumed it (try_recv takes the value out of the channel), or result() waits for a signal that was already sent
ex04-doing-result-finished = result() of a finished job
ex04-is-done-panicked-never-true =
    .observed = is_done() of a job that panicked still said false after { $secs } s
    .expected = a job that panicked is done, and its result() is Err(JobPanicked)
    .why = store Err(JobPanicked) where is_done() and result() look when catch_unwind catches the job's panic
ex04-is-done-panicked-no-err =
    .observed = is_done() of a job that panicked said true, but result() did not give Err(JobPanicked)
    .expected = a job that panicked is done, and its result() is Err(JobPanicked)
    .why = store Err(JobPanicked) where is_done() and result() look when catch_unwind catches the job's panic
ex04-doing-is-done-panicked = is_done() of a job that panicked

## same_workers_run_every_job

ex04-doing-submitters = { $submitters } threads submitting { $each } jobs each to ThreadPool::new({ $max }), then { $max } panicking jobs
ex04-new-starts-extra-threads =
    .observed = ThreadPool::new({ $max }) started { $started } threads (ids { $ids })
    .expected = exactly max_workers = { $max } worker threads
    .why = new() must start exactly max_workers threads; perhaps a thread more (a dispatcher or a supervisor) is started too, or the loop runs max_workers + 1 times
ex04-jobs-on-later-threads =
    .observed = jobs submitted from { $submitters } threads at once ran on { $count } thread(s) that did not exist when ThreadPool::new({ $max }) returned (ids { $ids }; new() started { $started } thread(s){ $started ->
        [0] {""}
       *[other] : { $worker_ids }
    }); { $hint }
    .expected = every job runs on one of the max_workers threads new() started
    .why = threads are created after new(): perhaps submit() starts a thread per job (even if at most max_workers live at once), or the workers are started lazily in submit() instead of in new()
ex04-jobs-lost-concurrent =
    .observed = of { $total } jobs submitted from { $submitters } threads at once ({ $kept } handles kept, the others dropped at once), { $ran } ran and result() gave Ok for { $ok } within { $secs } s; { $hint }
    .expected = every submitted job runs, and its result() gives Ok
    .why = perhaps jobs are lost when several threads submit at once, or when their handle is dropped before they run (the job must not depend on the handle being alive)
ex04-worker-replaced-after-panic =
    .observed = after { $max } jobs panicked, later jobs ran on { $count } thread(s) that new() had not started (ids { $ids }; new() started { $worker_ids })
    .expected = the same workers run every job, also after a job panicked
    .why = perhaps a worker that a panic killed was replaced by a new thread (or the pool starts threads for jobs after new()): catch the panic (std::panic::catch_unwind around the job, in the worker) so that the worker itself goes on with the next job, rather than starting another
ex04-threads-after-new =
    .observed = { $count } thread(s) appeared in /proc/self/task after ThreadPool::new({ $max }) returned (ids { $ids }), though no job ran on them
    .expected = no thread created after new()
    .why = the pool starts threads after new(): perhaps submit() or result() starts a helper thread, or a worker that ended is replaced; new() must start every thread the pool needs
ex04-panicked-job-no-err =
    .observed = result() of a job that panicked did not give Err(JobPanicked)
    .expected = Err(JobPanicked)
    .why = a job that panicked must give Err(JobPanicked)

## judge_wait (waiting_uses_no_cpu)

ex04-wait-expected = no CPU and at most { $wakeups } wake-ups a second: nothing happens, so every thread sleeps until a job finishes
ex04-wait-spins = spins: perhaps a loop that looks again and again (is_done(), try_recv(), a flag) without blocking
ex04-wait-polls = polls, waking up { $rate } times a second: perhaps a loop that looks and then sleeps for a millisecond or a few
ex04-wait-waiter-busy = while { $what }, the thread calling { $call } { $waiter } (the whole process { $process })
ex04-wait-waiter-busy-why = { $call } { $how }; { $fix }
ex04-wait-process-busy = while { $what }, the process { $process }
ex04-wait-process-busy-waiter-quiet = while { $what }, the process { $process }, though the thread calling { $call } was quiet ({ $waiter })
ex04-wait-others-spin = other threads spin: perhaps idle workers poll the queue (try_recv, with or without a sleep) instead of blocking in recv() or on a Condvar, or { $call } hands the wait to helper threads that poll
ex04-wait-others-poll = other threads poll, waking up { $rate } times a second: perhaps idle workers poll the queue (try_recv, with or without a sleep) instead of blocking in recv() or on a Condvar, or { $call } hands the wait to helper threads that poll

## waiting_uses_no_cpu

ex04-fix-as-completed = block instead: recv() on one channel that every job reports to when it finishes, or a Condvar that the worker notifies after storing the result
ex04-as-completed-yielded-early =
    .observed = as_completed yielded { $early } while all { $jobs } jobs were still running
    .expected = nothing until a job finishes
    .why = as_completed must wait for a job to finish before yielding its result
ex04-what-as-completed-all-running = as_completed waited for { $jobs } jobs that were all still running
ex04-as-completed-wrong-job =
    .observed = when only job 1 had finished, as_completed yielded { $got }
    .expected = Some(1): the result of the job that finished
    .why = as_completed must yield the result of whichever job finished
ex04-as-completed-missed-job =
    .observed = as_completed yielded nothing within { $secs } s after job 1 of { $jobs } finished{ $note }
    .expected = job 1's result as soon as it finishes
    .why = as_completed waits for something else than the next job to finish: perhaps for the jobs in submission order, or for all of them; or the notification of a finished job is lost
ex04-what-as-completed-rest-running = as_completed waited for the { $left } jobs still running after it had yielded one
ex04-iteration-ended = ended
ex04-iteration-not-ended = did not end within { $secs } s
ex04-as-completed-end =
    .observed = after all { $jobs } jobs finished, as_completed yielded jobs { $rest } besides job 1, and then { $ended }
    .expected = jobs 0 and 2, then the end of the iteration
    .why = as_completed must yield exactly one result per handle and then end
ex04-doing-one-more = running one more job
ex04-what-result-running = result() waited for a job that was still running
ex04-fix-result = block instead: recv() on the job's channel, or Condvar::wait_while on its result
ex04-result-not-woken =
    .observed = once the job (which returns { $jobs }) finished, result() { $outcome }
    .expected = Ok({ $jobs }) at once
    .why = result() must wake up when the job's result is stored: the worker has to signal (send on the channel, or notify the Condvar) after storing it

## instant_jobs_race

ex04-race-measured = { $rounds } rounds, { $jobs } jobs; { $overlaps } jobs completed during an as_completed() call
ex04-race-wrong-values =
    .observed = in round { $round } of { $rounds } (a few instant jobs each, consumed while they complete), the kept handles gave the values { $got }; { $hint }
    .expected = { $expected }: one Ok(value) per kept handle, each its own job's
    .why = perhaps a result is lost or given twice when jobs complete while as_completed or result() is setting up its wait, or results reach the wrong handle
ex04-race-completion-lost =
    .observed = in round { $round } of { $rounds }, every job submitted so far had run, but the results had not all come back { $secs } s later ({ $yielded } of this round's results came){ $note }; { $hint }
    .expected = each result as soon as its job has run, however quickly jobs complete
    .why = a completion was lost: perhaps as_completed or result() looks whether a job is done and then registers for its notification (or waits on the Condvar) in two steps, and a job that completes in between is never reported; look and register (or wait) under the same lock the worker takes to store the result, or let the worker send on a channel that the waiter owns from the start
ex04-race-jobs-not-run =
    .observed = in round { $round } of { $rounds }, { $missing } of { $submitted } submitted jobs had not run after { $secs } s{ $note }; { $hint }
    .expected = every submitted job runs as soon as a worker is free
    .why = perhaps the workers stopped taking jobs (a worker holding the queue's lock, or a job lost when many are submitted quickly)
ex04-doing-round = round { $round } of { $rounds } of instant jobs
ex04-race-jobs-never-ran =
    .observed = { $missing } of { $submitted } submitted jobs never ran (their handles were dropped, or kept); { $hint }
    .expected = every submitted job runs, even when its handle is dropped
    .why = the job must not depend on its handle being alive: perhaps the worker skips a job whose result nobody waits for

## stuck (every check)

ex04-stuck-panicked =
    .observed = the pool's code panicked while { $what }: { $message }
    .expected = no panic
    .why = a panic here means a bug in the pool (or a todo!() that is not written yet)
ex04-stuck-spins =
    .observed = { $what } did not finish within { $secs } s{ $note }
    .expected = submit() queues the job and returns at once; the jobs run as soon as a worker is free
    .why = something busy-waits: a loop that polls a flag burns a CPU and may never see the change; block instead (Condvar::wait_while, or recv() on a channel)
ex04-stuck-blocks =
    .observed = { $what } did not finish within { $secs } s{ $note }
    .expected = submit() queues the job and returns at once; the jobs run as soon as a worker is free
    .why = something blocks forever: submit() must only send the job on the queue, and each worker must take jobs from it (lock, recv, unlock) and run them
ex04-stuck-no-result =
    .observed = { $what } ended without a result
    .expected = a result
    .why = internal error of the check

## idle_worker_takes_the_next_job

ex04-doing-held-and-instant = submitting a job held at a gate, then { $jobs } instant jobs, to ThreadPool::new({ $max })
ex04-doing-drop-after-held = dropping ThreadPool::new({ $max }) after its held job was let go
ex04-jobs-waited-behind-busy-worker =
    .observed = on ThreadPool::new({ $max }), with one worker held by a job that had not finished, { $count } of the { $jobs } instant jobs submitted after it (jobs { $which }) did not run within { $secs } s, although { $free } { $free ->
        [one] worker was
       *[other] workers were
    } free; they ran only once the held job ended
    .expected = every instant job runs at once on a free worker while the held job still runs
    .why = those jobs were queued behind the busy worker: each worker seems to have a queue of its own (jobs dealt out in turn, or by number), so a job waits behind a long one while other workers are idle. The pool promises one queue shared by every worker: a worker that is free takes the next job
ex04-jobs-never-ran-beside-busy-worker =
    .observed = on ThreadPool::new({ $max }), with one worker held by a job that had not finished, { $count } of the { $jobs } instant jobs submitted after it (jobs { $which }) did not run within { $secs } s, although { $free } { $free ->
        [one] worker was
       *[other] workers were
    } free, and still had not run { $secs } s after the held job ended
    .expected = every instant job runs at once on a free worker while the held job still runs
    .why = the free workers did not take those jobs: they seem to wait for a queue of their own that never receives them, or to have stopped. The pool promises one queue shared by every worker: a worker that is free takes the next job

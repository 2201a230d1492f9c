# The hidden checks of ex14_async_tasks: what they say to a student (see pack/support/src/text.rs).

## shared by the checks

ex14-panicked =
    .observed = the code panicked while { $doing }: { $text }
    .expected = no panic
    .why = a panic means the code under test hit a bug (or a todo!() that is not written yet)
ex14-no-measurement = no measurement

## gather_runs_tasks_concurrently

ex14-doing-gather-sleeping = gathering 5 sleeping tasks
ex14-gather-timed-out =
    .observed = gather of { $tasks } tasks sleeping { $sleep } each had not returned after { $secs } s
    .expected = the { $tasks } results after about { $sleep }
    .why = gather returns once every task has finished; await each task's JoinHandle once
ex14-gather-summary = { $tasks } tasks: { $all } = { $ratio } x one task ({ $one }), at most { $peak } at once
ex14-gather-not-tasks =
    .observed = of the { $tasks } futures given to gather, { $own } ran in a tokio task of their own (tokio::task::try_id() inside each future)
    .expected = every future spawned as a tokio task of its own: { $tasks } different task ids
    .why = gather polls the futures itself (a hand-written join_all, or futures::future::join_all), so they all run inside the task that called gather: they take turns on one worker thread however many the runtime has, and a future that computes without awaiting holds up all the others. Spawn each one (tokio::spawn) and await the JoinHandles in order
ex14-gather-result-count =
    .observed = gather of { $tasks } tasks returned { $count } results
    .expected = { $tasks } results, one per task
    .why = gather returns one result per future it was given
ex14-gather-one-at-a-time =
    .observed = { $tasks } tasks sleeping { $sleep } each (tokio::time::sleep) took { $all } through gather, { $ratio } times one task alone ({ $one }); at most { $peak } of them ran at once
    .expected = about one task's time ({ $sleep }): all { $tasks } running at once
    .why = gather awaited the tasks one after another: `for f in futures {"{"} f.await {"}"}` runs the next future only when the previous one has finished. Start them all first (tokio::spawn each future and keep the JoinHandles), then await the handles: the tasks sleep at the same time, as asyncio.gather runs its coroutines
ex14-gather-calibration-slow = one { $sleep } sleep alone took { $one }: the machine is too busy
ex14-gather-all-at-once-slow = all { $tasks } tasks ran at once, yet they took { $ratio } x one task: the machine is too busy
ex14-gather-some-at-once =
    .observed = { $tasks } tasks sleeping { $sleep } each (tokio::time::sleep) took { $all } through gather, { $ratio } times one task alone ({ $one }); at most { $peak } of them ran at once
    .expected = about one task's time ({ $sleep }): all { $tasks } running at once
    .why = gather ran only some of the tasks at once: start every future before awaiting any of them

## gather_keeps_submission_order

ex14-doing-gather = gathering 5 tasks
ex14-order-timed-out =
    .observed = gather of 5 tasks sleeping 60 to 300 ms had not returned after 5 s
    .expected = the 5 results after about 300 ms
    .why = gather returns once every task has finished
ex14-order-as-finished =
    .observed = gather returned { $results } for futures submitted as { $submitted } (returning 0, 10, ...; task i sleeps (5 - i) x 60 ms, so they finished as { $finished })
    .expected = { $submitted }: the submission order
    .why = gather returned the results in the order the tasks finished (a JoinSet's join_next, a channel every task sends to, FuturesUnordered, ...). asyncio.gather returns them in the order of its arguments, whatever order they finish in: keep the JoinHandles in a Vec in submission order and await them in that order — a task that finished early simply has its result waiting in its handle
ex14-order-wrong =
    .observed = gather returned { $results } for futures submitted as { $submitted } (returning 0, 10, ...; task i sleeps (5 - i) x 60 ms, so they finished as { $finished })
    .expected = { $submitted }: the submission order
    .why = result i of gather is the output of the i-th future given to it

## promise_resolved_from_another_task

ex14-promise-delivered-measured = the awaiting task had the value { $micros } us after resolve(), after { $polls } polls
ex14-promise-wrong-value =
    .observed = a task awaiting the Promise got { $value } after another task called resolve(42)
    .expected = Ok(42)
    .why = the Promise gives the value its Resolver was resolved with
ex14-doing-await-from-task = awaiting a Promise resolved by another task
ex14-promise-never-woken =
    .observed = another task called resolve(42) 100 ms after a task began awaiting the Promise, and { $secs } s later the awaiting task still had not got the value: the Promise was polled { $polls } { $polls ->
        [one] time
       *[other] times
    }, returned Pending without arranging a wake-up, and was never polled again
    .expected = the awaiting task gets Ok(42) as soon as the value is resolved
    .why = a future that returns Poll::Pending must make sure its task is woken when it can go on: poll the oneshot::Receiver itself (Pin::new(&mut self.rx).poll(cx)), which stores cx's waker for the sender to call. try_recv() only looks, stores no waker, and the task sleeps forever
ex14-promise-never-ready =
    .observed = another task called resolve(42) 100 ms after a task began awaiting the Promise; the Promise was polled { $polls } times but never became ready within { $secs } s
    .expected = the awaiting task gets Ok(42) as soon as the value is resolved
    .why = Promise::poll must return Poll::Ready(Ok(value)) once the Resolver has sent the value
ex14-promise-blocks-thread =
    .observed = the check's task that calls resolve(42) after 100 ms had not run { $secs } s later, while another task awaited the Promise
    .expected = the awaiting task gives the thread back (Poll::Pending) so that other tasks run
    .why = Promise::poll blocks the thread (a blocking recv, a loop waiting for the value) instead of returning Pending: on an event loop no other task runs meanwhile, so the value can never be set
ex14-dropped-wrong-value =
    .observed = awaiting a Promise whose Resolver was dropped without a value gave { $value }
    .expected = Err(Abandoned)
    .why = a Resolver dropped without resolve() means no value will ever come: the Promise ends with Err(Abandoned) (the oneshot Receiver gives Err(RecvError) then)
ex14-doing-await-dropped = awaiting a Promise whose Resolver was dropped
ex14-dropped-hangs =
    .observed = a task awaited a Promise whose Resolver another task dropped without a value, and was still waiting { $secs } s later
    .expected = Err(Abandoned) as soon as the Resolver is dropped
    .why = when the Resolver is dropped, no value will ever come: the awaiting task must be woken and get Err(Abandoned) instead of waiting forever (the oneshot Sender wakes the Receiver when dropped)
ex14-early-wrong-value =
    .observed = a Promise resolved with 7 before anybody awaited it gave { $value }
    .expected = Ok(7) at once
    .why = the value waits in the Promise until it is awaited
ex14-doing-await-early = awaiting a Promise resolved before
ex14-early-hangs =
    .observed = a Promise resolved with 7 before anybody awaited it had not given its value { $secs } s later
    .expected = Ok(7) at once
    .why = the value waits in the Promise until it is awaited: the first poll must find it

## blocking_call_does_not_stall_runtime

ex14-doing-run-blocking = awaiting run_blocking(|| std::thread::sleep(500 ms))
ex14-blocking-timed-out =
    .observed = run_blocking(|| {"{"} std::thread::sleep(500 ms); 7 {"}"}) had not returned after 5 s
    .expected = the function's value, 7, after about 500 ms
    .why = run_blocking returns once the function has run: await spawn_blocking's JoinHandle
ex14-blocking-summary = run_blocking took { $took }; heartbeat: { $ticks } ticks, longest gap { $gap } (machine wake-up lateness up to { $lateness })
ex14-blocking-wrong-value =
    .observed = run_blocking(|| {"{"} ...; 7 {"}"}) returned { $value }
    .expected = 7, the function's value
    .why = run_blocking returns what the function returns
ex14-blocking-returned-early =
    .observed = run_blocking(|| std::thread::sleep(500 ms)) returned after { $took }
    .expected = it returns once the function has run (500 ms)
    .why = run_blocking must wait for the function's result
ex14-blocking-stalled-same-thread =
    .observed = the heartbeat stopped for { $gap } while run_blocking ran (a task that ticks every { $tick } ms; run_blocking(|| std::thread::sleep(500 ms)) took { $took })
    .expected = the heartbeat keeps ticking: no gap of { $max_gap } or more
    .why = a blocking call inside async code stalls every task on that thread. The function ran on the runtime's worker thread, the one that runs the heartbeat (here the only worker, as asyncio has one event-loop thread), so no other task could run until it returned. Hand the function to tokio::task::spawn_blocking (asyncio's run_in_executor), which runs it on a thread of the blocking pool, and await the JoinHandle it returns
ex14-blocking-stalled =
    .observed = the heartbeat stopped for { $gap } while run_blocking ran (a task that ticks every { $tick } ms; run_blocking(|| std::thread::sleep(500 ms)) took { $took })
    .expected = the heartbeat keeps ticking: no gap of { $max_gap } or more
    .why = a blocking call inside async code stalls every task on that thread. Hand the function to tokio::task::spawn_blocking (asyncio's run_in_executor), which runs it on a thread of the blocking pool, and await the JoinHandle it returns
ex14-blocking-gap-unclear = a gap of { $gap } is too long for a free runtime but too short for a stall of 500 ms

## panics_come_back_with_their_payload

ex14-doing-gather-panicking = gather over three tasks, the second of which panics
ex14-how-gather = a task's JoinError: if e.is_panic(), std::panic::resume_unwind(e.into_panic()) re-raises the task's own panic
ex14-doing-run-blocking-panicking = run_blocking(|| panic!(..)) awaited in a task
ex14-how-run-blocking = the JoinError of spawn_blocking: std::panic::resume_unwind(e.into_panic()) re-raises the function's own panic
ex14-payload-other-message =
    .observed = { $doing } panicked, but with another message: { $text }
    .expected = a panic with the task's own payload, { $payload }
    .why = { $who } must re-raise the panic itself, not a new one that describes it (unwrap() or expect() on the JoinError panics with the JoinError's text): { $how }
ex14-payload-returned =
    .observed = { $doing } returned { $value } instead of panicking
    .expected = a panic with the payload { $payload }
    .why = a panic must not vanish: { $who } re-raises it ({ $how })
ex14-payload-hangs =
    .observed = { $doing } neither returned nor panicked within 3 s
    .expected = a panic with the payload { $payload }
    .why = perhaps { $who } waits for a result that the panicking code never sends; { $how }

## promise_from_a_thread_and_after_drop

ex14-thread-wrong-value =
    .observed = a task awaiting a Promise that a plain thread resolved with 99 got { $value }
    .expected = Ok(99)
    .why = the Resolver may be used from any thread: resolve sends the value and wakes the awaiting task wherever it runs
ex14-doing-resolve-from-thread = resolving a Promise from a plain thread
ex14-thread-never-woken =
    .observed = a plain thread (not a task) resolved a Promise 200 ms after a task began awaiting it; 3 s later the task still had not got the value (the Promise was polled { $polls } times)
    .expected = Ok(99) as soon as the thread resolves it
    .why = resolving must wake the awaiting task even from outside the runtime: store the waker of the Pending poll where resolve finds it (a oneshot channel's receiver, polled, does it), and do not rely on tokio's context in resolve
ex14-thread-measured = a Promise resolved from a thread after 200 ms: { $polls } polls
ex14-busy-polled =
    .observed = while a task awaited a Promise for 200 ms, the Promise was polled { $polls } times
    .expected = a handful of polls (at most { $max_polls }): once at the start, once after resolve wakes the task
    .why = the Promise wakes its own task on every Pending (cx.waker().wake_by_ref()), so the runtime polls it again at once, in a busy loop. Store the waker and let resolve wake it
ex14-resolve-dropped-panicked =
    .observed = resolve() on a Resolver whose Promise had been dropped panicked: { $text }
    .expected = the value is dropped quietly
    .why = nobody waits for the value any more, which is not an error: ignore the Err of sending it (let _ = self.tx.send(value)) instead of unwrap()ping it
ex14-resolve-dropped-hangs =
    .observed = resolve() on a Resolver whose Promise had been dropped did not return within 3 s
    .expected = resolve returns at once
    .why = resolve must never wait for the Promise: set the value and wake, if anybody waits

## promise_wakes_its_latest_waker

ex14-latest-resolve = a plain thread resolved it with 5
ex14-latest-drop = a plain thread dropped its Resolver
ex14-doing-two-wakers = polling a Promise by hand with two wakers
ex14-latest-hangs =
    .observed = a Promise polled by hand (first with one waker, then with another) did not let the check go on within 5 s after { $what }
    .expected = poll returns at once, and the Resolver's side returns at once
    .why = poll must never block, and neither must resolve nor dropping the Resolver: they set the state, take the waker and wake it
ex14-latest-ready-at-once =
    .observed = a new Promise, polled by hand before anybody resolved it, was Ready
    .expected = Pending until a value is set or the Resolver is dropped
    .why = poll may give a value only once resolve has set one, and Err(Abandoned) only once the Resolver is gone
ex14-latest-woke-first =
    .observed = a Promise was polled twice, each time with a new waker (as when its task moves to another worker thread, or another task awaits it); then { $what }: the waker of the first poll was woken, the waker of the second never was (within 2 s)
    .expected = the waker of the latest Pending poll is woken, and the next poll gives { $expected }
    .why = the Promise keeps the first waker it was given. The Future contract: only the waker of the most recent poll must be woken, and a task that moved can be reached only through its new one. Possible causes: storing the waker only when none is stored yet (`if waker.is_none()`), or storing it once, at creation or at the first poll. Store cx.waker() at every Pending poll (a oneshot receiver's own poll does this)
ex14-latest-woke-none =
    .observed = a Promise was polled twice, each time with a new waker; then { $what }: no waker was woken within 2 s
    .expected = the waker of the latest Pending poll is woken, and the next poll gives { $expected }
    .why = nothing reached the stored waker. Possible causes: poll stores no waker at all (try_recv, or a flag looked at), the Resolver's side sets the state without taking the waker and waking it, or dropping the Resolver does nothing (a Drop that marks the Promise abandoned must also wake it)
ex14-latest-woken-not-ready =
    .observed = a Promise was polled twice, each time with a new waker; then { $what }: the latest waker was woken, but the next poll gave { $then }
    .expected = { $expected }
    .why = a wake-up means "poll me again, I am ready". Possible causes: the value (or the abandonment) is stored somewhere poll does not look, or the wake comes before the state is set

## promise_never_loses_a_wake_up

ex14-race-resolved = was resolved
ex14-race-dropped = had its Resolver dropped
ex14-race-measured = { $rounds } Promises resolved or abandoned by a thread after 0-40 us, each polled until ready with a new waker every time: every poll that returned Pending after the thread had acted had its waker woken
ex14-woken-none = none at all
ex14-woken-older = that of poll number { $poll }, an older one
ex14-lost-wake-up =
    .observed = in round { $round } of a race between a thread and the polls of a Promise, the Promise { $what } after { $us } us while it was polled again and again, each time with a new waker; poll number { $poll } returned Pending when the thread had already done so, yet { $secs } s later that poll's waker had not been woken (the latest woken was { $woken }); { $replay }
    .expected = a poll that returns Pending once the value is set (or the Resolver dropped) has its own waker woken
    .why = a lost wake-up: a task awaiting this Promise would wait for ever. Likely: poll looked at the state and let the lock go; the thread then set the value and woke the waker it found (an older one, or none); only then did poll store its own waker and return Pending. Look at the state and store the waker in one critical section, under the lock that resolve and the Resolver's Drop take the waker under (or use a oneshot channel, whose receiver does this)
ex14-doing-racing = racing resolves against polls of a Promise
ex14-race-stuck =
    .observed = racing resolves against polls of a Promise did not finish in time
    .expected = each poll, each resolve and each drop of a Resolver returns at once
    .why = poll must never block, and neither must resolve nor dropping the Resolver

# The hidden checks of ex13_generators: what they say to a student (see pack/support/src/text.rs).

## helpers

ex13-panicked =
    .observed = the code panicked while { $doing }: { $message }
    .expected = no panic
    .why = a panic means the code under test hit a bug (or a todo!() that is not written yet)

## items_one_by_one

ex13-doing-reading-from = reading from { $expression }
ex13-stage-never-ends =
    .observed = { $expression } yielded { $items } items for { $lines } numeric lines, then nothing more and did not end within { $secs } s after the end of the input
    .expected = { $lines } items, then the end (None)
    .why = when the input ends (read_line returns Ok(0)), every stage must end too: next() returns None
ex13-read-all-lines-and-end = read all { $lines } lines (and the end of the input)
ex13-read-all-lines = read all { $lines } lines
ex13-had-read-lines = had read { $lines } lines
ex13-its-first-item = its first item
ex13-item-k = item { $k }
ex13-culprit-numbers-from = numbers_from reads ahead instead of one line per next()
ex13-culprit-stage = numbers_from alone yields item by item (checked first), so it is this stage, { $stage }, that takes more values than it needs before yielding
ex13-not-lazy =
    .observed = the pipeline { $read } before producing { $when }: the checker fed { $expression } one line at a time and waited for an item after each line
    .expected = item { $k } as soon as line { $k } is read (item k after at most k + 1 lines)
    .why = { $culprit }. A generator produces each value when it is asked for: next() takes just enough input for one item and returns it. Collecting the input first (collect() into a Vec, read_to_string, lines().collect()) makes the pipeline wait for the end of the input, forever on a socket or an endless stream, and hold all of it in memory
ex13-item-is-wrong = item { $item } is wrong
ex13-wrong-values = { $expression } over the lines { $inputs } yielded { $count } items: [{ $values }]{ $wrong }
ex13-wrong-values-expected = { $count } items: [{ $values }]
ex13-wrong-values-producer-why = one number per line that parses as a number (after trimming), in input order
ex13-wrong-values-running-why = item k of running_average is the average of the first k values
ex13-wrong-values-moving-why = item k of moving_average(_, 3) is the average of the last 3 values up to item k (fewer at the start)

## memory_flat_on_endless_input

ex13-doing-endless = taking items from the pipeline on an endless input
ex13-endless-too-slow =
    .observed = taking { $take } items from moving_average(running_average(numbers_from(endless)), 16) did not finish within 15 s; the endless input had handed out { $lines } lines by then
    .expected = { $take } items in well under a second
    .why = each item must cost a constant amount of work: a stage that recomputes over everything it has seen gets slower with every item
ex13-rss = VmRSS { $a } kB at item { $warm_up } and { $b } kB at item { $items }
ex13-rss-unreadable = VmRSS not readable
ex13-endless-measured = { $items } items from an endless input in { $took } ms: { $lines } lines read, heap { $growth } bytes between item { $warm_up } and the last, { $rss }
ex13-everything-there-was = — everything there was: the checker's endless input ends after { $limit } lines only to stop a pipeline that would otherwise read forever and fill the memory
ex13-endless-read-ahead =
    .observed = to produce { $items } items, { $pipeline } asked the endless input for { $lines } lines{ $all }
    .expected = about one line per item: { $items } lines
    .why = a stage read its whole input before yielding: on an endless input (a socket, a log being written) it never yields at all and its memory grows until the process dies. Each next() must take only what one item needs
ex13-endless-ended =
    .observed = { $pipeline } ended after { $items } items on an input that does not end
    .expected = { $take } items (the checker stopped asking there)
    .why = a stage must keep yielding as long as the stage before it does
ex13-heap-grows =
    .observed = the heap grew by { $growth_kb } KB between item { $warm_up } and item { $items } of { $pipeline } (about { $per_item } bytes per item; { $rss })
    .expected = flat memory: at most { $limit_kb } KB of growth, whatever the number of items
    .why = a stage keeps every value it has seen (a Vec that only grows, then a slice of its last n values): on an endless input that is a memory leak. A moving average needs only its window: a VecDeque of at most n values (pop_front when it is full, then push_back)

## future_completes_under_tokio

ex13-doing-awaiting = awaiting Delay futures on a tokio runtime
ex13-delay-never-woken =
    .observed = Delay::new({ $ms } ms) awaited on a tokio runtime returned Pending without arranging a wake-up: it was polled { $polls } { $polls ->
        [one] time
       *[other] times
    }, then never again, and had not completed { $limit } ms later
    .expected = completes about { $ms } ms after it starts
    .why = an executor polls a task again only when its waker is called. Before returning Poll::Pending, store cx.waker().clone() where the timer thread will find it (in the state you share with it, under the same lock as the done flag), and have the timer thread call waker.wake() after setting done
ex13-delay-never-ready =
    .observed = Delay::new({ $ms } ms) was polled { $polls } times on a tokio runtime but had not returned Ready { $limit } ms later
    .expected = Poll::Ready(()) once { $ms } ms have passed
    .why = poll must return Poll::Ready(()) when the timer thread has marked the delay done: check the shared done flag on every poll
ex13-delay-completed-measured = Delay::new({ $ms } ms) completed after { $after } ms, { $polls } polls
ex13-delay-too-early =
    .observed = Delay::new({ $ms } ms) completed after { $after } ms
    .expected = completes { $ms } ms (or a little more) after Delay::new
    .why = poll must return Poll::Pending until the timer thread has marked the delay done; Ready before that is a delay that does not wait

## future_not_busy_polled

ex13-cpu-used = and the process used { $cpu } ms of CPU time meanwhile
ex13-busy-poll-measured = Delay::new(200 ms): { $polls } polls{ $cpu_text }
ex13-busy-polled =
    .observed = Delay::new(200 ms) was polled { $polls } times before it completed{ $cpu_text }
    .expected = a handful of polls (at most { $max }): once at the start, once after the timer wakes the task
    .why = poll returned Pending and woke its own task at once (cx.waker().wake_by_ref() on every Pending), so the executor polled it again immediately, in a busy loop that keeps a CPU at 100% for the whole delay. Store the waker instead, and let the timer thread call it when the time is up

## reads_only_what_an_item_needs

ex13-looks-at-start =
    .observed = numbers_from(reader) asked the reader for data { $looks } time(s) (fill_buf or read) before the first next(), though it consumed nothing
    .expected = the reader untouched until next() is called: reading happens in next()
    .why = a look at the input is a read: on a pipe or a terminal, fill_buf waits until input comes, so numbers_from(stdin) would block before anybody asked for a number. Perhaps numbers_from peeks at the start (to skip a byte order mark, or to see whether there is input at all); do that in the first next() instead
ex13-reads-at-start =
    .observed = numbers_from(reader) consumed { $at_start } bytes of the input ({ $lines } lines) before the first next()
    .expected = nothing read when the generator is made: reading happens in next()
    .why = a generator starts working when it is asked for an item: numbers_from only keeps the reader, and next() reads the line it needs
ex13-reads-too-much =
    .observed = with a reader that offers all its { $total } lines at once (fill_buf returns them together), numbers_from had consumed { $consumed } lines when it yielded item { $k }
    .expected = item { $k } after at most { $most } lines consumed: one line per item (and one line of look-ahead at most)
    .why = numbers_from takes more of the input than one item needs: perhaps it consumes the whole buffer fill_buf offers, or reads with read() into a large buffer and splits the lines itself. Read one line per next() (read_line, or lines().next()) and leave the rest in the reader
ex13-panicked-on-read-error =
    .observed = numbers_from panicked when its reader failed after { $lines } lines, or before: { $message }
    .expected = the { $lines } numbers, then None
    .why = a read error ends the input: next() returns None (an error is not a panic)
ex13-retries-read-error =
    .observed = after { $numbers } numbers, the reader failed with an error at every read, and next() did not return within 3 s
    .expected = None: a read error ends the input
    .why = next() seems to retry the failing read for ever (perhaps it skips errors as it skips lines that are not numbers): an Err from read_line must end the iteration
ex13-wrong-numbers-before-error =
    .observed = over the lines 0.5 3.5 ... 21.5 followed by a read error, numbers_from yielded { $values }
    .expected = { $expected }, then None
    .why = one number per line, in order; a read error after the last line ends the input

## moving_average_of_zero_panics

ex13-moving-average-2-wrong =
    .observed = moving_average([1, 2, 3], 2) yielded { $items }
    .expected = [1.0, 1.5, 2.5]
    .why = item k is the average of the last 2 values up to item k (fewer at the start)
ex13-doing-moving-average-2 = taking three items of moving_average([1, 2, 3], 2)
ex13-moving-average-2-stuck =
    .observed = moving_average([1, 2, 3], 2) did not yield its three items within 3 s
    .expected = [1.0, 1.5, 2.5]
    .why = each next() takes one value from the stage before and returns at once
ex13-zero-window-no-panic =
    .observed = moving_average(numbers, 0) did not panic, and its first item was { $item }
    .expected = a panic: there is no average of the last 0 values
    .why = check n at the start of moving_average (assert!(n > 0, ...)): averaging over a window of 0 values divides by zero (NaN) or yields nothing, and neither is an answer
ex13-zero-window-stuck =
    .observed = moving_average(numbers, 0) neither panicked nor yielded its first item within 3 s
    .expected = a panic: there is no average of the last 0 values
    .why = check n at the start of moving_average (assert!(n > 0, ...))

## delay_counts_from_new

ex13-doing-polling-by-hand = polling a Delay by hand
ex13-summary-a-panic = a panic
ex13-first-poll-blocks =
    .observed = polling Delay::new(100 ms) by hand, 250 ms after it was made, did not return within 5 s
    .expected = poll returns at once
    .why = poll must never block: it checks the shared state and returns Ready or Pending
ex13-summary-no-answer = no answer
ex13-ready-at = at { $ms } ms
ex13-ready-never = never (2 s)
ex13-first-poll-summary = first poll { $first } ms after Delay::new(100 ms); ready { $ready }
ex13-first-poll-late = the first poll came { $first } ms after new() instead of 250 ms
ex13-delay-counts-from-first-poll =
    .observed = Delay::new(100 ms) was made, first polled { $first } ms later, and was not ready then: it completed { $at } ms after new(), { $after_first } ms after that first poll
    .expected = Ready at the first poll: 100 ms had passed since Delay::new
    .why = the delay counts from its first poll, not from Delay::new. Perhaps the timer thread is started in poll(), or the deadline is computed there: start the timer (or fix the deadline) in new()
ex13-delay-never-completes =
    .observed = Delay::new(100 ms) was made, first polled { $first } ms later, and was not ready then, nor within 2 s after
    .expected = Ready at the first poll: 100 ms had passed since Delay::new
    .why = the delay did not complete at all when its first poll came after its duration: perhaps the timer starts only at the first poll and never wakes the waker given then, or the delay waits for something else

## delay_wakes_the_latest_waker

ex13-poll-waited-for-the-timer =
    .observed = a poll of Delay::new(200 ms) made before its time took { $took } ms, and then returned Ready
    .expected = Pending at once: poll never waits for the time to pass
    .why = poll waited inside: perhaps for the lock that the timer thread holds while it sleeps (sleep first, then take the lock to set `done` and take the waker), or poll sleeps itself
ex13-delay-ready-at-once =
    .observed = Delay::new(200 ms) returned Ready when polled at once
    .expected = Pending until 200 ms have passed
    .why = poll must return Pending until the timer thread marks the delay done
ex13-delay-woke-first-waker =
    .observed = Delay::new(200 ms) was polled with a waker, then 20 ms later with another one (as when the task moves to another thread of the executor); after 2 s the second waker had not been woken (the first one had)
    .expected = the waker of the latest poll is woken when the time is up
    .why = the future keeps the first waker it was given. An executor may poll a task with a different waker each time; store cx.waker().clone() on every Pending poll (or replace it unless the stored one will_wake() the new one), so the timer wakes the task where it is now
ex13-delay-woke-no-waker =
    .observed = Delay::new(200 ms) was polled with a waker, then 20 ms later with another one (as when the task moves to another thread of the executor); after 2 s the second waker had not been woken, nor the first
    .expected = the waker of the latest poll is woken when the time is up
    .why = the future keeps the first waker it was given. An executor may poll a task with a different waker each time; store cx.waker().clone() on every Pending poll (or replace it unless the stored one will_wake() the new one), so the timer wakes the task where it is now
ex13-doing-two-wakers = polling a Delay by hand with two wakers
ex13-poll-blocks =
    .observed = polling Delay::new(200 ms) by hand did not return within 5 s
    .expected = poll returns at once
    .why = poll must never block: it checks the shared state and returns Ready or Pending

## delay_never_loses_a_wake_up

ex13-race-measured = { $rounds } delays of 0-40 us, each polled until ready with a new waker every time: no round woke an older waker while the latest Pending poll's stayed asleep
ex13-woken-older = that of poll number { $poll }, an older one
ex13-delay-early =
    .observed = in round { $round } of a race between timers and polls, Delay::new({ $us } us) was Ready { $took } us after Delay::new was called; { $replay }
    .expected = Ready only once { $us } us have passed since Delay::new: a Delay completes after its duration, not before
    .why = the timer waits less than the duration. Perhaps the duration is rounded down somewhere, to whole milliseconds (Duration::from_millis(d.as_millis() as u64) is 0 for anything under a millisecond) or seconds; keep the Duration as it is, or compare Instant::now() with a deadline made in new
ex13-lost-wake-up =
    .observed = in round { $round } of a race between timers and polls, Delay::new({ $us } us) was polled again and again, each time with a new waker; poll number { $poll } returned Pending, yet { $secs } s later the only waker woken was { $woken }; { $replay }
    .expected = the waker of the latest poll that returned Pending (or of a later poll) is woken when the time is up
    .why = a lost wake-up: poll looked at `done` and let the lock go; the timer thread then set `done` and woke the waker it found (an older one, or none); only then did poll store its own waker and return Pending, and nobody will wake that one. Check `done` and store the waker in one critical section, under the lock the timer thread sets `done` and takes the waker under
ex13-doing-racing = racing short delays against polls
ex13-race-stuck =
    .observed = racing short delays against polls did not finish in time
    .expected = each poll returns at once and each delay is ready within microseconds of its duration
    .why = poll must never block, and Delay::new must return at once (the timer runs on its own thread)

## poll_returns_at_once

ex13-poll-took = the slowest poll took { $took } ms and gave { $ready }
ex13-poll-waited =
    .observed = a poll of Delay::new({ $duration } ms), right after new() or 50 ms later, took { $took } ms and returned Ready: poll waited for the time to pass
    .expected = Pending at once: poll stores the waker and returns; the timer wakes the task later
    .why = a poll that blocks holds the executor's thread for the whole delay, and every other task on that thread waits with it. Perhaps poll sleeps, joins the timer thread, or waits on a lock that the timer thread holds while it sleeps: the timer must sleep without holding what poll needs
ex13-ready-before-its-time =
    .observed = the first poll of Delay::new({ $duration } ms), right after new(), returned Ready after { $took } ms, before the duration had passed
    .expected = Pending until { $duration } ms have passed since Delay::new
    .why = the Delay must not complete early: check the deadline (or the flag the timer sets) before returning Ready
ex13-poll-slow = a poll took { $took } ms (at once is under { $at_once } ms): the machine may have been busy
ex13-poll-came-late = the first poll came { $since_new } ms after Delay::new, when the time was already up: the machine was busy
ex13-poll-hangs =
    .observed = a poll of Delay::new(300 ms), right after new() or 50 ms later, did not return within 5 s
    .expected = poll returns at once
    .why = poll must not wait: check whether the delay is done, store the waker and return Pending; perhaps poll waits for the timer thread (join, a lock it keeps) or loops until the time is up

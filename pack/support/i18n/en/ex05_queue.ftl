# The hidden checks of ex05_queue: what they say to a student (see pack/support/src/text.rs).

## delivers_each_item_once

ex05-delivered-twice =
    .observed = { $count } items were delivered more than once, for example { $examples }
    .expected = each of the { $total } items delivered to exactly one consumer
    .why = get() must take the item out of the queue (pop_front) while holding the lock, so that no other consumer can get it too
ex05-items-missing =
    .observed = { $missing } of { $total } items never reached a consumer (for example { $examples })
    .expected = each of the { $total } items delivered to exactly one consumer
    .why = put() returned Ok for every item, so each must stay in the queue until one get() takes it, even when the queue is closed afterwards
ex05-items-missing-and-strange =
    .observed = { $missing } of { $total } items never reached a consumer (for example { $examples }), and get() returned items nobody put: { $strange }
    .expected = each of the { $total } items delivered to exactly one consumer
    .why = put() returned Ok for every item, so each must stay in the queue until one get() takes it, even when the queue is closed afterwards

## Traffic (delivers_each_item_once, capacity_never_exceeded)

ex05-traffic = { $producers } producers putting { $per_producer } items each and { $consumers } consumers on one BoundedQueue::new({ $capacity })
ex05-traffic-progress = producers had put { $put } of { $total } items and consumers had received { $got }
ex05-early-none =
    .observed = with { $traffic }, consumer-{ $consumer }'s get() returned None after { $after } items, while the queue was still open (close() had not been called; { $progress })
    .expected = get() blocks while the queue is empty and open; it returns None only once the queue is closed and empty
    .why = a consumer that gets None stops for good, so items stay undelivered and producers block on a full queue: while the queue is empty and not closed, get() must wait on the condition variable (in a while loop), not return
ex05-refused-while-open =
    .observed = producer-{ $producer }'s put({ $item }) returned Err while the queue was open ({ $progress })
    .expected = put() waits for room and returns Ok while the queue is open
    .why = put() may only refuse an item once close() has been called
ex05-overfull =
    .observed = with { $traffic }, len() returned { $len }
    .expected = never more than { $capacity } items in the queue
    .why = put() must wait while the queue is full, and check again after every wake-up (a while loop around wait): another producer may have filled the free slot first
ex05-thread-panicked =
    .observed = a thread using the queue panicked: { $message }
    .expected = no panic
    .why = a panic here means a bug in the queue (or a todo!() that is not written yet)
ex05-spinning-note = , and meanwhile the process used { $cpu } ms of CPU in { $wall } ms (threads spinning)
ex05-consumers-stuck-spinning =
    .observed = with { $traffic }, all { $total } items were delivered and close() was called, but { $waited } s later { $still } of { $consumers } consumers had not returned from get(){ $note }
    .expected = all { $total } items delivered well within a second, then every consumer's get() returns None after close()
    .why = the consumers busy-wait, so they never sleep and fight for the lock: block on a condition variable instead (Condvar::wait in a while loop), and return None once the queue is closed and empty
ex05-consumers-not-woken =
    .observed = with { $traffic }, all { $total } items were delivered and close() was called, but { $waited } s later { $still } of { $consumers } consumers had not returned from get(){ $note }
    .expected = all { $total } items delivered well within a second, then every consumer's get() returns None after close()
    .why = close() must wake every consumer waiting in get() (notify_all() on their condition variable), and get() must return None once the queue is closed and empty
ex05-traffic-spinning =
    .observed = with { $traffic }, after { $waited } s the { $progress }{ $note }
    .expected = all { $total } items delivered well within a second, then every consumer's get() returns None after close()
    .why = something busy-waits: a loop that looks at the queue again and again burns a CPU; block on a condition variable instead (Condvar::wait in a while loop)
ex05-traffic-stalled =
    .observed = with { $traffic }, after { $waited } s the { $progress }{ $note }
    .expected = all { $total } items delivered well within a second, then every consumer's get() returns None after close()
    .why = the threads stopped making progress: a lost wake-up (a put that does not notify a waiting consumer, a get that does not notify a waiting producer) or a lock that is never released

## capacity_never_exceeded

ex05-len-did-not-return = , and len() did not return
ex05-len-returns = ; len() returns { $len }
ex05-put-ignores-capacity =
    .observed = with no consumer, put() returned for { $took } of { $items } items on a BoundedQueue::new({ $capacity }){ $len_note }
    .expected = the first { $capacity } put() calls return; the next one blocks until a get() makes room
    .why = a bounded queue holds at most capacity items: that is what stops fast producers from running ahead of slow consumers (back-pressure). put() must wait on a condition variable while the queue is full
ex05-put-blocks-too-early =
    .observed = put() blocked after { $took } items on an empty BoundedQueue::new({ $capacity }){ $len_note }
    .expected = { $capacity } items accepted without waiting
    .why = put() may only wait while the queue holds capacity items
ex05-what-put-with-room = put() on a queue with room
ex05-put-on-full-returned =
    .observed = put() of item { $item } of { $items } on a full BoundedQueue::new({ $capacity }) returned without waiting, though the queue was open
    .expected = put() blocks while the queue is full
    .why = a put() on a full queue must wait for room, not give up
ex05-get-on-full-stuck =
    .observed = get() on a full queue did not return its first item (0) within { $secs } s
    .expected = Some(0) at once
    .why = get() must take the front item of a non-empty queue without waiting
ex05-producer-not-woken =
    .observed = after get() made room in the full queue, the producer blocked in put() was still waiting { $secs } s later
    .expected = the blocked put() returns as soon as there is room
    .why = a lost wake-up: get() must notify the producers' condition variable after taking an item

## blocked_calls_use_no_cpu

ex05-put-refused-on-new-queue =
    .observed = put(1) on a new, empty queue returned Err(Closed(1))
    .expected = Ok(())
    .why = put() on an open queue with room must succeed
ex05-get-returned-at-once =
    .observed = get() on an empty, open queue returned { $value } at once
    .expected = get() blocks until an item arrives or the queue is closed
    .why = get() must wait on a condition variable while the queue is empty and open
ex05-what-get-on-empty = get() on an empty queue
ex05-put-returned-at-once =
    .observed = put() on a full queue (capacity 1, 1 item) returned { $result } at once
    .expected = put() blocks until there is room or the queue is closed
    .why = put() must wait on a condition variable while the queue is full
ex05-what-put-on-full = put() on a full queue
ex05-usage-summary = { $what }: { $cpu } ms CPU, { $sleeps } wake-ups in { $wall } ms
ex05-usage-thread-gone = { $what }: thread gone
ex05-blocked-call-spins =
    .observed = a thread blocked in { $what } { $usage }
    .expected = about 0 ms: a blocked thread sleeps in the kernel until it is notified
    .why = the call spins: it looks at the queue again and again instead of sleeping, burning a whole CPU that the other threads need; wait on a condition variable (Condvar::wait in a while loop), which releases the lock and sleeps until notify
ex05-blocked-call-polls =
    .observed = a thread blocked in { $what } woke up { $sleeps } times in { $wall } ms, though nothing changed
    .expected = no wake-up while nothing changes: a blocked thread sleeps until it is notified
    .why = the call polls: it sleeps a little and looks again (a sleep, or a wait_timeout in a loop), which wastes CPU and reacts late; a timed wait also hides a lost notification behind its period. Wait on a condition variable without a timeout and let put()/get()/close() notify it after every change a waiter may wait for
ex05-consumer-not-woken-by-put =
    .observed = after put(7) on the empty queue, the thread blocked in get() { $outcome }
    .expected = get() returns Some(7) at once
    .why = a lost wake-up: put() must notify the consumers' condition variable after adding an item
ex05-producer-not-woken-by-get =
    .observed = after get() made room in the full queue, the thread blocked in put() { $outcome }
    .expected = put() returns Ok(()) at once
    .why = a lost wake-up: get() must notify the producers' condition variable after taking an item
ex05-next-returned = returned { $value }
ex05-next-panicked = panicked: { $message }
ex05-next-still-blocked = was still blocked { $secs } s later
ex05-panicked =
    .observed = { $what } panicked: { $message }
    .expected = no panic
    .why = a panic here means a bug in the queue (or a todo!() that is not written yet)

## close_wakes_every_waiter

ex05-get-returned-before-close =
    .observed = get() on an empty, open queue returned { $value } before close() was called
    .expected = get() blocks until an item arrives or the queue is closed
    .why = get() must wait on a condition variable while the queue is empty and open
ex05-waiters-measured = { $waiters } waiters: { $cpu } ms CPU and { $sleeps } wake-ups in { $wall } ms
ex05-waiters-wake-each-other =
    .observed = { $waiters } threads blocked in get() on an empty queue and { $waiters } in put() on a full one used { $cpu } ms of CPU together and woke up { $sleeps } times in { $wall } ms, while nothing changed
    .expected = about 0 ms and no wake-up: a blocked thread sleeps until a put(), get() or close() notifies it
    .why = the waiters keep waking up: perhaps a woken thread that finds nothing to do notifies the next waiter before it waits again (passing the wake-up on, so that the waiters wake each other for ever), or the wait has a short timeout, or it is a sleep-and-look-again loop
ex05-closed-get-gave-some =
    .observed = { $name }'s get() on a closed, empty queue returned Some({ $value })
    .expected = None
    .why = once the queue is closed and empty, get() returns None
ex05-what-get-after-close = { $name }'s get() after close()
ex05-closed-put-gave-other-item =
    .observed = { $name }'s put({ $item }) returned Err(Closed({ $back }))
    .expected = Err(Closed({ $item })): the caller's own item back
    .why = put() on a closed queue gives back the very item it was given
ex05-closed-put-gave-ok =
    .observed = { $name }'s put({ $item }), blocked on a full queue, returned Ok(()) after close()
    .expected = Err(Closed({ $item }))
    .why = a put() waiting on a full queue that gets closed must give up and return the item: nothing may be added after close()
ex05-what-put-after-close = { $name }'s put() after close()
ex05-close-wakes-nobody =
    .observed = close() woke { $consumers } of { $waiters } threads blocked in get() and { $producers } of { $waiters } blocked in put(); { $secs } s later the other { $still } were still blocked
    .expected = every waiting thread wakes up: each get() returns None, each put() returns Err(Closed(item))
    .why = close() changes what every waiter waits for, so it must notify them: after setting the closed flag, notify_all() on both condition variables (and the waits must check the flag)
ex05-close-wakes-no-producer =
    .observed = close() woke { $consumers } of { $waiters } threads blocked in get() and { $producers } of { $waiters } blocked in put(); { $secs } s later the other { $still } were still blocked
    .expected = every waiting thread wakes up: each get() returns None, each put() returns Err(Closed(item))
    .why = close() woke every consumer but no producer: the producers blocked in put() wait on their own condition variable, which close() must notify too (notify_all() on both); or put()'s wait does not check the closed flag
ex05-close-wakes-no-consumer =
    .observed = close() woke { $consumers } of { $waiters } threads blocked in get() and { $producers } of { $waiters } blocked in put(); { $secs } s later the other { $still } were still blocked
    .expected = every waiting thread wakes up: each get() returns None, each put() returns Err(Closed(item))
    .why = close() woke every producer but no consumer: the consumers blocked in get() wait on their own condition variable, which close() must notify too (notify_all() on both); or get()'s wait does not check the closed flag
ex05-close-wakes-only-some =
    .observed = close() woke { $consumers } of { $waiters } threads blocked in get() and { $producers } of { $waiters } blocked in put(); { $secs } s later the other { $still } were still blocked
    .expected = every waiting thread wakes up: each get() returns None, each put() returns Err(Closed(item))
    .why = close() changes the condition every waiter waits for, so every waiter must be told: notify_all(), not notify_one(), which wakes a single thread and leaves the others asleep forever (a consumer that never ends, a pool that never shuts down)

## close_keeps_queued_items

-ex05-queued-expected = get() returns the 5 queued items, in order (Some(1) … Some(5)), then None
ex05-closed-shows-nothing =
    .observed = the error of a refused put() shows as { $debug } with {"{"}:?{"}"} and as { $display } with {"{"}{"}"}
    .expected = a text in both, such as Closed(..) and "put on a closed queue" (the provided versions)
    .why = Closed<T> is an error like mpsc's SendError: put(..).unwrap() and `?` show it to a person, so its Debug and Display must say something, without needing T: Debug. Perhaps the provided impls were changed
ex05-not-closed-after-close =
    .observed = is_closed() returned false after close()
    .expected = true
    .why = close() must mark the queue closed
ex05-close-lost-len =
    .observed = after 5 put() calls and close(), len() returned { $len }
    .expected = 5: closing keeps the queued items
    .why = close() lost the items still in the queue: closing only stops new items; the items already queued stay there for get(), which returns None only once the queue is closed *and* empty
ex05-put-after-close =
    .observed = put(6) after close() returned { $result }
    .expected = Err(Closed(6)): the item given back
    .why = after close(), put() must refuse new items and give them back to the caller
ex05-close-lost-items =
    .observed = 5 items were put, then close(); get() then returned { $got }
    .expected = { -ex05-queued-expected }
    .why = close() lost the items still in the queue: closing only stops new items; get() must deliver what was queued before it returns None (None means closed *and* empty)
ex05-not-fifo =
    .observed = 5 items were put, then close(); get() then returned { $got }
    .expected = { -ex05-queued-expected }
    .why = a queue delivers items first in, first out: push_back in put(), pop_front in get()
ex05-what-put-close-get = putting 5 items, closing the queue and getting them
ex05-closed-get-waits =
    .observed = after 5 put() calls and close(), get() number { $number } did not return within { $secs } s
    .expected = { -ex05-queued-expected }
    .why = on a closed queue get() never waits: it returns the next queued item, or None when there is none left
ex05-scenario-ended-early =
    .observed = the scenario ended early
    .expected = { -ex05-queued-expected }
    .why = internal error of the check

## queries_tell_the_state

ex05-what-queries-traffic = producers, consumers, a closer and threads calling len()/is_empty()/is_closed()/capacity() ({ $hint })
ex05-queries-rounds-stuck =
    .observed = short rounds of producers, consumers, a closer and threads calling len(), is_empty(), is_closed() and capacity() did not finish within { $secs } s ({ $hint })
    .expected = each round finishes in a few milliseconds
    .why = some call never returned: perhaps a query (len(), is_closed()) takes a lock it never releases, or a put() or get() missed the close() of its round (a lost wake-up)
ex05-why-capacity = capacity() returns the capacity given to new(), whatever the queue holds: perhaps it returns the VecDeque's own capacity (which can be larger than asked, and for items of size zero is unbounded) or the number of free slots
ex05-why-len = len() is the number of items queued now: perhaps it is not updated by every put() and get(), or it counts something else (the capacity, the free slots)
ex05-why-is-empty = is_empty() is true exactly when no item is queued (the provided version is `self.len() == 0`): perhaps it was changed, or len() is wrong
ex05-why-is-closed = is_closed() is true exactly once close() has been called: perhaps it returns a constant or another flag, close() does not set the flag, or it says whether the queue is closed *and* empty
ex05-query-wrong =
    .observed = after { $done }, { $query } returned { $seen }
    .expected = { $want }
    .why = { $why }
ex05-step-close-again = close() again
ex05-put-refused-with-room =
    .observed = after { $done }, put() returned Err(Closed(..))
    .expected = Ok(()): the queue is open and has room
    .why = put() may only refuse an item once close() has been called
ex05-zst-put-at-once =
    .observed = after { $done }, one more put() returned { $result } at once
    .expected = put() blocks: the queue holds its capacity, { $capacity } items
    .why = the queue is full when it holds capacity items, whatever their size: perhaps put() compares with the VecDeque's own capacity, which is unbounded for items of size zero
ex05-zst-added-after-close = returned Ok(()): it added its item to a closed queue
ex05-zst-close-wakes-put =
    .observed = close() on a full queue of (): the put() blocked on it { $outcome }
    .expected = Err(Closed(()))
    .why = close() wakes every waiting put(), which then gives its item back
ex05-observed-len = len() returned { $len } on a BoundedQueue::new({ $capacity })
ex05-observed-capacity = capacity() returned { $cap } on a BoundedQueue::new({ $capacity })
ex05-observed-closed-early = is_closed() returned true before close() was called
ex05-observed-reopened = is_closed() returned false after it had returned true
ex05-observed-open-after-close = is_closed() returned false after close() had returned
ex05-close-while-producers-ran = while the producers still ran
ex05-close-after-producers = once the producers were done
ex05-queries-round = in round { $round } (BoundedQueue::new({ $capacity }), 2 producers putting up to { $per_producer } items each, 2 consumers, close() { $close }; { $hint })
ex05-query-inconsistent =
    .observed = { $wrong }, while other threads put, got and closed, { $when }
    .expected = len() between 0 and the capacity, capacity() as given to new(), is_closed() false until close() is called and true from then on
    .why = { $why }
ex05-query-inconsistent-len =
    .observed = { $wrong }, while other threads put, got and closed, { $when }
    .expected = len() between 0 and the capacity, capacity() as given to new(), is_closed() false until close() is called and true from then on
    .why = { $why }; or len() is counted apart from the items (a counter updated outside the lock), so it can run ahead of them
ex05-traffic-count-wrong =
    .observed = { $when }: put() accepted { $accepted } items and the consumers received { $got }; afterwards len() returned { $len }, is_empty() { $empty } and is_closed() { $closed }
    .expected = every accepted item received once; then len() 0, is_empty() true, is_closed() true
    .why = an item was lost or delivered twice, or a query does not tell the state: take and add items only while holding the lock, and answer the queries from the same state
ex05-queries-measured = { $rounds } rounds of traffic with observers

## close_twice_is_harmless

ex05-close-twice-sequence =
    .observed = on one thread: { $seen }
    .expected = { $want }
    .why = closing an already closed queue changes nothing: the flag stays set, the queued items stay for get(), later puts give their item back. Perhaps the second close() toggles the flag or clears the items
ex05-close-twice-stuck =
    .observed = put(1), put(2), put(3), close(), close() on a BoundedQueue::new(4): { $failure }
    .expected = no panic, no wait: closing twice is harmless
    .why = close() on a queue that is already closed must simply do nothing more (perhaps it asserts or panics when the flag is already set)
ex05-what-closers-race = two closers racing a producer and a consumer ({ $hint })
ex05-closers-rounds-stuck =
    .observed = short rounds of two closers racing a producer and a consumer did not finish within { $secs } s ({ $hint })
    .expected = each round finishes in a few milliseconds
    .why = a thread slept through a close(): perhaps close() notifies only when it changes the flag and two closers both think the other did it, or a put()/get() waits without checking the closed flag
ex05-concurrent-close-panicked =
    .observed = two threads called close() at the same time on a queue with waiters; { $name } panicked: { $message }
    .expected = both close() calls return
    .why = close() on a queue that is already closed (or being closed) must simply do nothing more: perhaps it asserts that the queue is still open
ex05-concurrent-close-hangs =
    .observed = two threads called close() at the same time; { $name }'s close() did not return within { $secs } s
    .expected = both close() calls return at once
    .why = close() must not wait for anything: set the flag under the lock, release it, notify
ex05-what-get-after-two-closes = { $name }'s get() after two close() calls
ex05-put-after-two-closes =
    .observed = { $name }'s put({ $item }), blocked on a full queue, returned { $result } after two close() calls
    .expected = Err(Closed({ $item }))
    .why = a put() waiting on a full queue that gets closed gives its own item back
ex05-what-put-after-two-closes = { $name }'s put() after two close() calls
ex05-two-closes-waiters-stuck =
    .observed = two threads called close() at the same time on a queue with { $waiters } threads in get() and one with { $waiters } in put(); { $secs } s later { $still } still waited
    .expected = every waiter wakes up
    .why = the second close() must not undo the first: perhaps close() toggles the flag, or notifies only when it is the one that changed it and the waits miss it; or close() notifies only one waiter (notify_one)
ex05-race-put-gave-other-item = put({ $item }) returned Err(Closed({ $back }))
ex05-race-put-accepted-after-refusal = put({ $item }) was refused, then put({ $next }) returned Ok(())
ex05-closers-round = round { $round }: BoundedQueue::new({ $capacity }), a producer putting 0..{ $items }, a consumer, and two threads each calling close() at a random moment ({ $hint })
ex05-race-close-panicked =
    .observed = in { $when }, a close() panicked: { $message }
    .expected = both close() calls return
    .why = close() on a queue that is already closed must simply do nothing more: perhaps it asserts that the queue is still open
ex05-race-refusal-wrong =
    .observed = in { $when }, { $wrong }
    .expected = a refused put() gives back its own item, and once the queue is closed every later put() is refused
    .why = close() is for good: perhaps the second close() reopens the queue (the flag toggled), or put() gives back another item than its own
ex05-race-delivery-wrong =
    .observed = in { $when }, put() accepted { $accepted } items ({ $accepted_items }), and the consumer received { $got } ({ $got_items })
    .expected = the consumer receives exactly the accepted items, in order, then None
    .why = every item put() accepted stays queued until get() takes it, also across close(): perhaps close() drops the queued items, get() returns None while items are left, or put() adds the item after the queue was closed
ex05-closers-measured = { $rounds } rounds of two closers racing a producer and a consumer

## every_arrival_wakes_a_waiter

ex05-open-queue-ended-get =
    .observed = { $name } returned None from get() on an open queue
    .expected = Some(item)
    .why = only a closed queue refuses a put() or ends a get()
ex05-open-queue-refused-put =
    .observed = { $name } returned Err from put() on an open queue
    .expected = Ok(())
    .why = only a closed queue refuses a put() or ends a get()
ex05-arrivals-lose-wakeups =
    .observed = { $waiters } threads were blocked in get() on an empty BoundedQueue::new({ $capacity }); one thread put { $waiters } items back to back; { $secs } s later only { $returned } of the { $waiters } had returned (round { $round }, { $hint })
    .expected = all { $waiters } return at once
    .why = every put() must notify a waiting consumer, not only the put() that finds the queue empty: when several items arrive before the first woken consumer runs, each needs a consumer of its own. Perhaps put() notifies only when the queue was empty before (an optimisation that loses wake-ups), or notifies before adding the item
ex05-departures-lose-wakeups =
    .observed = { $waiters } threads were blocked in put() on a full BoundedQueue::new({ $capacity }); one thread got { $waiters } items back to back; { $secs } s later only { $returned } of the { $waiters } had returned (round { $round }, { $hint })
    .expected = all { $waiters } return at once
    .why = every get() must notify a waiting producer, not only the get() that finds the queue full: when several slots free up before the first woken producer runs, each needs a producer of its own. Perhaps get() notifies only when the queue was full before (an optimisation that loses wake-ups)

## no_lost_wakeup_in_explored_schedules

ex05-doing-put = in put({ $item })
ex05-doing-len = in len()
ex05-doing-get = in get() (had received { $received } { $received ->
        [one] item
       *[other] items
    })
ex05-doing-wait-producers = waiting for the producers to finish
ex05-doing-close = in close()
ex05-doing-wait-consumers = waiting for the consumers to finish
ex05-put-refused-in-schedule = put() refused an item while the queue was open
ex05-overfull-in-schedule = len() returned { $len } on a BoundedQueue::new(1)
ex05-delivery-in-schedule = the items delivered (sorted) differ from the items put
ex05-bypasses-facade =
    .observed = { $observed }
    .expected = every put() and get() locks the queue's course_sync::Mutex
    .why = your BoundedQueue never locked a course_sync::Mutex: it imports its primitives from std::sync directly; the checker can only verify deadlock-freedom through the course's facade — use course_sync::{"{"}Mutex, Condvar{"}"}
ex05-what-probe = put(1), put(2), get(), get() on a BoundedQueue::new(2)
ex05-probe-took-no-lock = two put() and two get() calls on a new queue took no course_sync lock
ex05-exploring-saw-no-facade = exploring the queue saw no operation on a course_sync primitive
ex05-explore-description = { $producers } producers putting { $items } items each and { $consumers } consumers on a BoundedQueue::new(1), then close()
-ex05-explore-expected = in every schedule, each item reaches one consumer, the queue never holds more than its capacity, and every thread finishes
-ex05-lost-wakeup = a lost wake-up: a thread waits for a notification that never comes. Typical causes: one condition variable shared by producers and consumers with notify_one() (a put's notify may wake another producer instead of a consumer, and the consumer sleeps for ever); a put() or get() that does not notify after changing the queue; or a wait that is not in a while loop re-checking the condition
ex05-explore-deadlock-both-sides =
    .observed = { $description }: in one schedule every thread was blocked and none could go on (a deadlock) — { $doing } — { $found }
    .expected = { -ex05-explore-expected }
    .why = consumers wait in get() while producers wait in put(), but the queue cannot be empty and full at once: some thread sleeps through the change it waits for. { -ex05-lost-wakeup }
ex05-explore-deadlock-after-close =
    .observed = { $description }: in one schedule every thread was blocked and none could go on (a deadlock) — { $doing } — { $found }
    .expected = { -ex05-explore-expected }
    .why = close() had returned, yet consumers still wait in get(): close() must wake every waiter (notify_all), and a woken get() must return None once the queue is closed and empty. { -ex05-lost-wakeup }
ex05-explore-deadlock =
    .observed = { $description }: in one schedule every thread was blocked and none could go on (a deadlock) — { $doing } — { $found }
    .expected = { -ex05-explore-expected }
    .why = { -ex05-lost-wakeup }
ex05-explore-early-none =
    .observed = { $description }: in one schedule a consumer's get() returned None while the queue was still open, { $found }
    .expected = { -ex05-explore-expected }
    .why = a woken consumer did not check again whether the queue was empty: another consumer had taken the item between the notify and its wake-up. Put the wait in a `while` loop (while empty and not closed: wait), not an `if`
ex05-explore-overfull =
    .observed = { $description }: in one schedule { $message }, { $found }
    .expected = { -ex05-explore-expected }
    .why = a woken producer did not check again whether the queue was full: another producer had filled the free slot between the notify and its wake-up. Put the wait in a `while` loop (while full and not closed: wait), not an `if`
ex05-explore-delivery =
    .observed = { $description }: in one schedule the items delivered were not the items put ({ $message }), { $found }
    .expected = { -ex05-explore-expected }
    .why = every item put must reach exactly one get(): take and add items only while holding the lock
ex05-explore-panic =
    .observed = { $description }: in one schedule the queue's code panicked: { $message }, { $found }
    .expected = { -ex05-explore-expected }
    .why = a panic in some interleavings only: look for a step that assumes the queue is unchanged since the thread last held the lock (an unwrap() on pop_front after a wait, for example)
ex05-explore-too-many-steps =
    .observed = { $description }: one schedule ran for hundreds of thousands of steps without finishing, { $found }
    .expected = { -ex05-explore-expected }
    .why = a thread loops without waiting (a busy loop, or a livelock): block on a condition variable instead of retrying

## helpers

ex05-what-queue-call = a call of the queue
ex05-what-quick-call = a call that should return at once (new, a put() with room, a get() with an item, close() or len())
ex05-never-returned =
    .observed = { $what } did not return within { $secs } s
    .expected = it returns at once
    .why = something blocks for ever: a lock that is never released, or a wait on a condition that already holds

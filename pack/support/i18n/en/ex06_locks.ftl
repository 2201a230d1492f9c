# The hidden checks of ex06_locks: what they say to a student (see pack/support/src/text.rs).

## point_reads_are_never_torn

ex06-point-no-facade-lock =
    .observed = Point::new(1, 2) then { $what } took no course_sync lock (record::stats(): 0 acquisitions)
    .expected = { $what } locks the Point's course_sync lock (a Mutex or an RwLock)
    .why = the Point's lock comes from course_sync too, so that the checker can watch it: perhaps Point uses std::sync::Mutex (import Mutex from course_sync), or no lock at all (atomics per coordinate cannot make the pair atomic)
ex06-point-probe-panicked =
    .observed = Point::new(1, 2) then { $what } panicked: { $message }
    .expected = no panic
    .why = a panic here means a bug in Point (or a todo!() that is not written yet)
ex06-point-probe-hangs =
    .observed = Point::new(1, 2) then { $what } did not return within { $seconds } s
    .expected = it returns at once
    .why = something waits for ever: perhaps a lock taken twice on one thread, or one never released
ex06-doing-point-stress = 2 threads calling Point::set and 2 calling Point::get
ex06-torn-read =
    .observed = get() returned ({ $x }, { $y }) while one thread called set(i, i) and another set(-i, -i) (after { $reads } reads and { $writes } writes): the x of one set() with the y of another
    .expected = x == y in every read: set() and get() are atomic
    .why = a torn read: the reader ran between the writer's update of x and its update of y. Separate locks for x and y (or none) protect each coordinate, but the invariant spans both: keep both coordinates under one lock, Mutex<(i64, i64)>, taken once in set() and once in get()
ex06-point-no-progress =
    .observed = in { $look } ms the readers completed { $reads } get() and the writers { $writes } set()
    .expected = many reads and writes
    .why = get() or set() hardly ever returns: a lock held too long, or a thread waiting for itself

## money_is_conserved

ex06-overdraft-not-refused =
    .observed = transfer(a, b, 11) with a holding 10 and b 0 returned { $refused }; then a held { $a } and b { $b }
    .expected = Err(InsufficientFunds {"{"} requested: 11, available: 10 {"}"}), and both balances unchanged
    .why = a transfer that the balance does not cover must be refused before anything changes
ex06-money-stalled =
    .observed = { $threads } threads making random transfers between { $accounts } accounts stopped after { $now } transfers and made no progress for { $seconds } s
    .expected = every transfer finishes
    .why = the threads are stuck: two transfers each holding one account's lock and waiting for the other's (lock the accounts in one global order; no_deadlock_under_stress shows the cycle), or a lock taken twice on one thread (a transfer from an account to itself must lock it once)
ex06-doing-random-transfers = { $threads } threads making { $transfers } random transfers each between { $accounts } accounts
ex06-bad-refusal =
    .observed = transfer returned Err({ $error }) although the balance it reports covers the amount ({ $replay })
    .expected = Err(InsufficientFunds) only when available < requested
    .why = refuse a transfer only when the balance, read under the account's lock, is smaller than the amount
ex06-money-not-conserved =
    .observed = { $accounts } accounts held { $expected_total } in total; after { $threads } threads made { $transfers } transfers at once (random amounts, a fifth of them everything the source held a moment before; { $ok } succeeded, { $refused } refused), they held { $total }: { $diff } was { $direction ->
        [lost] lost
       *[created] created out of nothing
    } ({ $replay })
    .expected = { $expected_total }: a transfer moves money, it never creates or destroys it
    .why = a lost update: a transfer read a balance, and another transfer changed it before the first wrote its result back, so one update overwrote the other. Check the balance and write both new balances while holding both accounts' locks, without unlocking in between

## transfer_edge_cases

ex06-doing-edges = transferring exact balances, 0, and up to u64::MAX, one call at a time
ex06-edge-wrong =
    .observed = { $done }: { $seen }
    .expected = { $want }
    .why = { $why }
ex06-result-and-balances = { $result }, balances { $x } and { $y }
ex06-two-results-and-balance = { $first } then { $second }, balance { $balance }
ex06-edge-exact-balance = a holding 250 and b 7, transfer(a, b, 250)
ex06-edge-exact-balance-why = a balance that equals the amount covers it: refuse only when the balance is smaller than the amount (perhaps the comparison is <= instead of <)
ex06-edge-zero = then, a holding 0, transfer(a, b, 0)
ex06-edge-zero-why = an amount of 0 is covered by any balance, and moves nothing
ex06-edge-overdraft = then transfer(b, a, 258) with b holding 257
ex06-edge-overdraft-why = a transfer the balance does not cover is refused with the amount and the balance, and changes nothing
ex06-edge-self = transfer(b, b, 257) then transfer(b, b, 258) with b holding 257
ex06-edge-self-why = a transfer from an account to itself changes nothing, and is refused only when the balance is smaller than the amount
ex06-edge-up-to-max = c holding { $start } and d 5, transfer(d, c, 5)
ex06-edge-up-to-max-why = a credit that reaches u64::MAX exactly does not overflow: only one past it does
ex06-edge-overflow = e holding 1 and c { $max }, transfer(e, c, 1)
ex06-unreadable = unreadable
ex06-two-balances = { $x } and { $y }
ex06-overflow-returned =
    .observed = { $done } returned { $result }; balances then { $after }
    .expected = a panic: c's balance would overflow a u64 (the doc comment's # Panics)
    .why = a balance past u64::MAX cannot be represented: wrapping around (+ in a release build, wrapping_add) destroys money, and saturating_add keeps a u64::MAX that is not the sum, so the credit must fail loudly (checked_add(..).expect(..)) instead of returning as if it had worked
ex06-overflow-changed-balances =
    .observed = { $done } panicked, as it should; but afterwards e held { $x } and c { $y }
    .expected = balances 1 and { $max } unchanged: the panic comes before either balance changes
    .why = the transfer changed a balance before it found out that the credit overflows: perhaps it subtracts from `from` first and then adds to `to` (which panics half-way). Compute the new balance of `to` (checked_add) before changing either
ex06-shown-as-text =
    .observed = InsufficientFunds {"{"} requested: 258, available: 257 {"}"} displays as { $refusal }; Point::new(3, -4) shows as { $point } with {"{"}:?{"}"}; an Account holding 257 as { $account }
    .expected = the refusal's text names the amount and the balance; a Point shows its coordinates, an Account its balance (the provided impls)
    .why = these impls are provided and call your get() and balance(): perhaps they were changed, or get() or balance() returns something else than the state

## account_ids_are_distinct

ex06-doing-ids = creating { $per_thread } accounts on each of { $threads } threads at once
ex06-duplicate-ids =
    .observed = { $threads } threads created { $per_thread } accounts each, all at once (round { $rounds }): { $shared } ids were given to more than one account; { $example } to { $count } of them
    .expected = every account its own id, however many threads create accounts at the same moment
    .why = perhaps the next id is read and then written back in two steps (a load, then a store, or a get and a set): two threads that read the same value give it to two accounts. One atomic step (fetch_add) or one lock around both gives each account its own
ex06-id-changes =
    .observed = an account's id() was { $first }, and then { $then } (asked again, or after the account was moved into a Box and out of it again)
    .expected = the same id for the account's whole life, wherever it is moved
    .why = perhaps id() is computed from where the account is (its address), which changes when the value moves, or makes a new id on each call; return the id Account::new stored in the account

## no_deadlock_under_stress

ex06-deadlock =
    .observed = the threads deadlocked after { $done } of { $transfers } transfers (round { $rounds }; { $threads } threads transferring 1 cent at a time, odd ones from account A to account B, even ones from B to A): { $cycle }
    .expected = every transfer finishes: transfers in opposite directions take the two accounts' locks in the same order
    .why = each of { $names } took its own `from` account first and then waits for the other's: a wait-for cycle that never ends. Lock the two accounts in one global order (the smaller AccountId first), whatever the direction of the transfer
ex06-and = {" "}and{" "}
ex06-stalled-without-facade =
    .observed = the transfers stopped after { $now } of { $transfers } and made no progress for { $seconds } s, and the accounts never locked a course_sync::Mutex (record::stats(): { $acquisitions } acquisitions)
    .expected = every transfer finishes, on locks the checker can see
    .why = the threads are stuck, and { $bypass }
ex06-stalled-without-cycle =
    .observed = the transfers stopped after { $now } of { $transfers } and made no progress for { $seconds } s, without a cycle of threads waiting for each other's locks: { $blocked }
    .expected = every transfer finishes
    .why = a transfer never returns: something waits forever (a lock taken twice on one thread, a lock never released) or loops
ex06-no-thread-waits = no thread waits on a course_sync lock
ex06-transfer-panicked =
    .observed = transfer panicked: { $message }
    .expected = no panic
    .why = a panic here means a bug in transfer (or a todo!() that is not written yet)
ex06-never-locked-facade =
    .observed = { $transfers } transfers ran, and the accounts never locked a course_sync::Mutex (record::stats(): { $locks_created } locks created, { $acquisitions } acquisitions)
    .expected = the accounts' locks are course_sync::Mutex
    .why = your Account never locked a course_sync::Mutex: it imports its locks from std::sync directly; { $bypass }
ex06-bypass = the checker can only verify deadlock-freedom through the course's facade: it records who holds and who waits for each course_sync lock. Use course_sync::Mutex (use course_sync::{"{"}Mutex, MutexGuard{"}"}), not std::sync::Mutex

## no_lock_order_cycle

ex06-doing-single-transfer = a single transfer of { $amount } from account { $source } to { $target }
ex06-lock-order-cycle =
    .observed = this run did not hang (5 transfers between accounts A, B and C, one at a time: A to B, B to A, B to C, C to A, A to C), but the locks were taken in a cycle: { $cycle }
    .expected = one global order for every pair of accounts (for example the smaller AccountId first), so that the lock-order graph has no cycle
    .why = a potential deadlock, reported the way the Linux kernel's lockdep does: had these transfers run at the same time, each of { $locks } could have held its first lock and waited forever for the next. A run that happens not to hang proves nothing; an order that depends on the direction of the transfer (or on the balances) is not one order. Lock by a stable key, the account's id

## helpers: the hang report and a scenario that did not report (facade_hang_report, stuck)

ex06-hang-deadlock = deadlock, a wait-for cycle: { $cycle }
ex06-stuck-panicked =
    .observed = the code panicked while { $what }: { $message }
    .expected = no panic
    .why = a panic here means a bug (or a todo!() that is not written yet)
ex06-stuck-timed-out =
    .observed = { $what } did not finish within { $seconds } s
    .expected = it finishes in well under a second
    .why = the threads are stuck: two threads each holding a lock the other waits for (lock the accounts in one global order), or a lock taken twice on one thread (a transfer from an account to itself must lock it once)
ex06-stuck-ended =
    .observed = { $what } ended without a result
    .expected = a result
    .why = internal error of the check

## the accounts, as the recording names their locks

ex06-account = account { $name }

# The hidden checks of ex15_async_server: what they say to a student (see pack/support/src/text.rs).

## shared by the checks: one client's round trip

ex15-send-failed =
    .observed = { $who } could not send { $line }: { $error }
    .expected = the connection stays open until the client closes it
    .why = the server keeps each connection open until its client closes it
ex15-who-sent = { $who } sent { $line }: { $observed }
ex15-echo-why = the server sends each line back, byte for byte, as soon as it is complete; lines are bytes and need not be UTF-8 (read_line into a String fails on them: read_until(b'\n') into a Vec<u8>)
ex15-who-client = a client
ex15-who-client-n = client { $i }

## serves_clients_concurrently

ex15-who-first = the first client
ex15-who-second = the second client
ex15-who-first-again = the first client, again
ex15-second-send-failed =
    .observed = the second client could not send its line: { $error }
    .expected = the connection stays open until the client closes it
    .why = the server keeps each connection open until its client closes it
ex15-second-wrong-reply =
    .observed = the second client sent { $line } and received { $got }
    .expected = exactly { $line } back
    .why = the server sends each line back, byte for byte
ex15-reply-after-close = its reply came only after the first client closed its connection ({ $ms } ms later)
ex15-no-reply-after-close = it had no reply { $secs } s after the first client closed either
ex15-one-at-a-time =
    .observed = while the first client stayed connected (it had been served), a second client sent a line and got no reply within { $ms } ms; { $after }
    .expected = the second client's line back within { $ms } ms, whoever else is connected
    .why = the server handles one connection at a time: the accept loop awaits handle_client(...) before it accepts the next client. `.await` inside the loop means "finish this first"; tokio::spawn(handle_client(...)) starts the connection as a task of its own and goes straight back to accept, as asyncio's start_server runs each client's coroutine as a task
ex15-second-cut =
    .observed = the second client sent { $line } and received { $got }, { $stop }
    .expected = { $line } back, with the connection kept open
    .why = the server keeps each connection open and answers every complete line

## c10k_connections

ex15-limit-note = (the descriptor limit here is { $soft }, hard limit { $hard }: { $target } connections, not { $goal })
ex15-batch-send-failed =
    .observed = connection { $n } could not send its line ({ $error }), with { $held } connections open
    .expected = every connection stays open until its client closes it
    .why = the server must keep every connection open
ex15-closed-count = ; { $closed } of them were closed or reset
ex15-batch-unanswered = with { $held } connections open, { $answered } of { $count } connections that each sent a line got it back within { $secs } s; the first that did not is connection { $n } (it sent { $line } and received { $got }){ $closed }
ex15-batch-expected = every connection gets its line back, however many others are open (up to { $held })
ex15-batch-one-at-a-time-why = the server handles one connection at a time: while it serves the first connection of the batch (whose client stays connected), the others are not read. Each connection needs a task of its own (tokio::spawn)
ex15-batch-unanswered-why = each accepted connection needs a task that reads and answers it for as long as its client stays; a server that runs out of descriptors fails in accept (EMFILE), and the connections beyond that wait in the listen queue unanswered
ex15-connect-failed-measured = opened { $i } connections, then connection { $i } failed: { $error }{ $limit_note }
ex15-connect-failed =
    .observed = connection { $i } (counting from 0) of { $target } could not be made ({ $error }) while { $i } were open; the server ran { $threads } threads
    .expected = all { $target } connections open at once{ $limit_note }
    .why = the server must keep accepting while every earlier connection stays open: connections that are not accepted fill the listen queue, and then new ones time out
ex15-threads-measured = { $threads } threads for { $connections } connections{ $limit_note }
ex15-c10k-measured = { $target } connections open at once{ $limit_note }: opening them (each answered once) took { $connect_ms } ms, one more round trip on all of them together { $round_trip_ms } ms; the server ran at most { $most_seen } threads (it started with { $at_start }; limit { $most_threads })
ex15-too-many-threads =
    .observed = { $threads } threads for { $connections } connections (/proc/PID/task of the server; { $at_start } threads before the first client)
    .expected = a handful of threads whatever the number of connections: at most { $limit } (the runtime's worker threads, one per core, and a few more)
    .why = the server starts an OS thread per connection (std::thread::spawn, or spawn_blocking for each client): every thread has its own stack and kernel task, and 10,000 of them exhaust the machine long before 10,000 tasks would. tokio::spawn(handle_client(...)) makes each connection a task: a small state machine that the runtime's few worker threads poll when its socket is ready

## sigterm_graceful_shutdown, sigint_graceful_shutdown

ex15-sigint-what = SIGINT (what Ctrl-C sends)
ex15-who-idle = an idle client
ex15-who-halfway = a client in the middle of a line
ex15-three-clients = 3 clients were connected (one served, one idle, one in the middle of a line)
ex15-state-accepting = it was still accepting connections
ex15-state-closed = it had closed its listening socket (port { $port } is no longer listened on), so it had begun to shut down
ex15-still-running = the server (PID { $pid }) was still running { $secs } s after { $what } ({ $late } s after, it was killed with SIGKILL); { $state }; { $clients }
ex15-exit-zero-within = exit status 0 within { $secs } s of { $what }
ex15-signal-not-awaited = the server did not act on { $name }: a handler for it is installed (so its default action, ending the process, no longer happens), but the future waiting for it never ran — it is not awaited at all (only the other signal is, say), or the loop that selects on it is stuck elsewhere (awaiting a client inside the accept loop). Await both Signal streams' recv() in one tokio::select!, select on that together with accept in the loop, and stop serving when either signal comes
ex15-waits-for-idle-clients = the server stopped accepting but then waited for its clients to leave, and idle clients never leave by themselves: tell every connection to finish (a watch or broadcast channel every handle_client selects on), and wait for them for a bounded time only (tokio::time::timeout), then return
ex15-killed-by-name = killed by { $name }
ex15-killed-by-signal = killed by signal { $signal }
ex15-killed = the server was { $killed_by } { $took_ms } ms after { $what } ({ $status }); { $clients }
ex15-clean-exit-within = a clean exit with status 0 within { $secs } s
ex15-no-handler = no handler for { $name } was installed, so the signal's default action ended the process on the spot: connections are cut off and the exit status says the server died. Install a handler at start-up (tokio::signal::unix::signal(SignalKind::{ $kind }())) and shut down cleanly when it fires
ex15-died-from-other-signal = the server died from a signal instead of exiting: see its output
ex15-exit-failed =
    .observed = the server exited with { $status } { $took_ms } ms after { $what }; { $clients }; it printed { $printed }
    .expected = exit status 0: a shutdown that was asked for is a success
    .why = a graceful shutdown is the normal end of a server, not an error: serve returns Ok(()) once the connections are closed, and main exits with status 0. A non-zero status tells the service manager (systemd, docker, a script) that the server failed
ex15-exit-slow =
    .observed = the server exited with status 0, but only { $took_ms } ms after { $what }; { $clients }
    .expected = exit within { $limit_ms } ms
    .why = a graceful shutdown gives the connections a short, bounded time to finish (a few hundred ms), then exits: a server that takes longer is killed by its service manager anyway
ex15-port-busy =
    .observed = port { $port } was still in use 500 ms after the server exited
    .expected = port { $port } can be bound again once the server is gone
    .why = a child process that inherited the listening socket still holds the port
ex15-shutdown-measured = exit status 0 { $took_ms } ms after { $name }, with 3 clients connected; port free again

## failed_accept_is_no_reason_to_stop (the scenario is pack_support::accept's)

ex15-waiting-not-served-why = after a failed accept the server must go on accepting: the client that waited in the listen queue is accepted as soon as a descriptor is free. Perhaps the accept loop ended (break or return on the error) while the connections' tasks kept running
ex15-accept-spins-why = the accept loop spins while the process is out of descriptors: the waiting connection keeps the listener readable, so accept fails again at once, and a loop that retries straight away burns a core until a client leaves. After a failed accept, pause a moment (tokio::time::sleep for 10 ms, say) before accepting again
ex15-stopped-by-accept-why = a failed accept is no reason to stop: accept fails when the process is out of descriptors (EMFILE) or a connection was reset before it was accepted, and the listener itself is fine. `listener.accept().await?` returns that error out of serve and ends the server; match on it instead, report it on stderr, pause a moment (so that a full descriptor table does not make the loop spin) and accept again

## recv_names_the_signal

ex15-no-pipe = the checker could not make a pipe: { $error }
ex15-no-runtime = no runtime: { $error }
ex15-install-failed = ShutdownSignal::install returned an error: { $error }
ex15-recv-timed-out = recv did not return within 2 s
ex15-child-panicked = it panicked: { $text }
ex15-no-fork = the checker could not fork: { $error }
ex15-killed-by-that-signal = was killed by that very signal
ex15-child-killed-by = was killed by signal { $signal }
ex15-child-exited-silently = exited (status { $status }) without a word
ex15-recv-situation = a process that called ShutdownSignal::install() and then received { $name } (it sent it to itself) awaited recv()
ex15-recv-wrong-name =
    .observed = { $what }, and it returned { $got }
    .expected = { $quoted_name }: the name of the signal that came
    .why = recv must say which signal came (main prints it: the log of a server tells a Ctrl-C from a service manager's stop). Await both Signal streams in one tokio::select! and return the name from the branch that completed, not a fixed string
ex15-recv-broken =
    .observed = { $what }: { $problem }
    .expected = recv returns { $quoted_name }
    .why = install() creates one tokio::signal::unix::signal stream per signal and recv() awaits both in one tokio::select!: a signal that arrives after install() is kept until recv() looks
ex15-recv-died =
    .observed = { $what }, and the process { $how }
    .expected = recv returns { $quoted_name } and the process lives on
    .why = install() must install a handler for { $name } (tokio::signal::unix::signal), which takes the signal's default action (ending the process) away
ex15-recv-measured = recv() returned "SIGINT" after SIGINT and "SIGTERM" after SIGTERM

## stops_accepting_at_once

ex15-summary-not-started = the server did not start
ex15-summary-deaf-failed = the client that does not read failed
ex15-summary-no-exit = no exit
ex15-drain-unbounded =
    .observed = the server was still running { $secs } s after SIGTERM, with a client that does not read connected
    .expected = exit status 0 within { $limit_secs } s of SIGTERM
    .why = the drain after the signal must be bounded (tokio::time::timeout(DRAIN_TIME, ...)), whatever the connections do
ex15-never = never
ex15-ms-after-it = { $ms } ms after it
ex15-drain-summary = exit { $exit_ms } ms after SIGTERM, last connection accepted { $last }
ex15-accepts-while-draining =
    .observed = after SIGTERM (with a client that does not read connected, so that its task was still writing), the server exited { $exit_ms } ms later, and a new connection was still accepted { $at_ms } ms after the signal
    .expected = connections refused from the moment the server takes the signal in: the listening socket is closed before the connections are drained
    .why = the server keeps its listener open until serve returns, so new clients are accepted by the kernel (into the listen queue) while the server drains, and then cut off. Drop the listener as soon as the shutdown future completes (drop(listener) right after the accept loop), before waiting for the connections

## idle_connections_told_to_finish

ex15-who-idle-n = idle client { $i }
ex15-summary-no-connect = a client could not connect
ex15-summary-not-served = a client was not served
ex15-idle-no-exit =
    .observed = the server was still running { $secs } s after SIGTERM
    .expected = exit status 0 within { $limit_secs } s of SIGTERM
    .why = the server must act on SIGTERM and bound its drain
ex15-idle-summary = with 5 idle clients the exit came { $exit_ms } ms after SIGTERM; with none, { $alone_ms } ms
ex15-idle-alone-slow = even with no client the exit took { $alone_ms } ms
ex15-idle-not-told =
    .observed = with 5 idle clients connected (each served once, then silent), the server exited { $exit_ms } ms after SIGTERM; with no client, { $alone_ms } ms after it
    .expected = an exit well before DRAIN_TIME ({ $drain_ms } ms) has passed: idle connections finish at once when told
    .why = the connections were never told to finish, so the server waited out DRAIN_TIME for clients that would never leave by themselves. After the accept loop, send on the channel every handle_client selects on (stop.send(true) on a tokio::sync::watch channel; shutdown.changed() in handle_client's select!), then wait for the tasks
ex15-idle-exit-unclear = the exit took { $exit_ms } ms: neither at once nor a whole DRAIN_TIME

## idle_server_sleeps

ex15-idle-situation = with 10 clients connected and nothing to send or receive
ex15-idle-spins = the server keeps a thread running while nothing happens: a loop that tries again at once (a nonblocking accept or read in a loop with tokio::task::yield_now(), or a select! with a branch that is always ready). `listener.accept().await` and `read_until(...).await` give the thread back to the runtime, which sleeps in epoll until a socket is ready
ex15-idle-polls = the server wakes up again and again (more than once a second) with nothing to do: a loop that sleeps a little and looks again (tokio::time::sleep, interval or timeout around a try_, nonblocking or reading call). Await accept and reads: the runtime wakes the task when its socket is ready

## slow_reader_does_not_stall_others

ex15-slow-reader-blocks-others-why = the other clients wait for the one that does not read: its task, waiting in write_all until that client reads, holds something every task needs. Perhaps a lock shared by all connections (a tokio or std Mutex around a counter, the writes or the list of clients) is held across the write's .await: take it, change what it guards and let it go before awaiting any I/O, so that a slow client keeps only its own task waiting
ex15-slow-reader-reads-back-why = once the client reads, its task's write_all goes on: every line must come back exactly once, in order

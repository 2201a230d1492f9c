# The hidden checks of ex11_threaded_server: what they say to a student (see pack/support/src/text.rs).

## silent_client_does_not_block_others

ex11-the-second-client = the second client
ex11-silent-blocks-second =
    .observed = while a client that had connected and sent nothing stayed connected, a second client sent { $sent } and got no reply within { $waited } s; the reply came { $after } ms after the silent client closed its connection
    .expected = the second client's line back within { $waited } s, whatever the silent client does
    .why = the server handled one client at a time: it was waiting in read() on the silent client's connection, so the second client was not served until the silent one left. A server that calls handle_client in its accept loop serves its clients one after another; serve each accepted connection on a thread of its own (thread::spawn in the accept loop), so that only that thread waits for its client
ex11-nothing = nothing
ex11-only = only { $bytes }
ex11-second-never-served = while a client that had connected and sent nothing stayed connected, a second client sent { $sent } and got no reply within { $waited } s, and still { $got } { $waited } s after the silent client had left ({ $stop })
ex11-second-never-served-expected = the second client's line back within { $waited } s
ex11-second-never-served-why = the server must send each complete line back as soon as it has read it, to every client, each on its own thread; a client that says nothing must not keep the server from serving the others
ex11-the-second-client-silent-connected = the second client (a silent client being connected)
ex11-a-client-sending-half-a-line = a client sending half a line
ex11-a-third-client = a third client
ex11-the-third-client = the third client
ex11-half-line-blocks-others =
    .observed = while one client had sent half a line ("half a li", no newline) and stopped, another client sent { $sent } and got no reply within { $secs } s
    .expected = the other client's line back within { $secs } s
    .why = the server handled one client at a time: it was waiting for the rest of the first client's line and served nobody else meanwhile. Each connection needs a thread of its own, so that waiting for one client's line blocks only that client's thread
ex11-the-client-that-had-sent-half-a-line = the client that had sent half a line
ex11-the-client-that-sent-two-pieces = the client that sent its line in two pieces

## fifty_concurrent_clients

ex11-client-i = client { $i }
ex11-each-sending-one-line = each sending one line
ex11-second-line-wrong = client { $i } sent a second line on the same connection, in two pieces ({ $first } then { $rest }), and received { $received }{ $stop } ({ $served } of the { $clients } clients got their second line back)
ex11-line-back-within = { $line } within { $secs } s
ex11-second-line-why = a client may send many lines, in pieces of any size: the server keeps reading the same connection until the client closes it, and sends every complete line back
ex11-client-i-of-n = client { $i } of { $n }
ex11-nothing-closed = nothing ({ $closed } connections were closed or reset)
ex11-none-served = with { $n } clients connected at once, { $doing }, none got their line back within { $secs } s; the other { $others } received { $received }
ex11-some-served = with { $n } clients connected at once, { $doing }, only { $k } ({ $ranges }) got their line back within { $secs } s (counted from 0, in the order they connected); the other { $others } received { $received }
ex11-none-served-why = the server must read each client's line and send it back, on the client's own thread
ex11-one-at-a-time-why = the server handled one client at a time: while it served the first client (which stays connected), the others waited to be accepted. Serve each accepted connection on a thread of its own
ex11-at-most-k-why = the server served at most { $k } clients at once: a fixed pool of { $k } workers, each busy with one connection until its client leaves, leaves the other clients waiting although they are connected. Serve each connection on a thread of its own, or use a pool at least as large as the number of clients that can be connected at once
ex11-all-served-expected = all { $n } clients get their line back within { $secs } s

## threads_return_to_baseline, descriptors_return_to_baseline

ex11-a-first-client = a first client
ex11-a-first-client-alone = a first client, alone
ex11-threads-not-back =
    .observed = the server had { $baseline } threads at rest before the clients came ({ $file }); with { $clients } clients connected it had { $loaded_1 }, and { $secs } s after all { $clients } had closed their connections it still had { $after_1 }; after { $clients } more clients came and left: { $after_2 } (with them connected: { $loaded_2 })
    .expected = back to { $baseline } threads within { $secs } s after the clients leave, round after round
    .why = { $extra } threads are still alive after their clients left{ $doing }: the thread that served a connection must end when its client leaves. When read returns 0 bytes (end of file), handle_client returns and the thread's closure must end right after it, not wait for something else (a channel nobody reads, a join that never comes, a lock). Threads that never end pile up with every client until the process cannot start any more
ex11-threads-in-futex = { $count } blocked in futex (waiting for a lock, a channel, a condition variable or a join)
ex11-threads-reading = { $count } blocked reading a socket
ex11-threads-in-another-state = { $count } in another state
ex11-threads-running = { $count } running
ex11-threads-sleeping = { $count } sleeping
ex11-threads-in-poll = { $count } waiting in poll
ex11-descriptors-not-back =
    .observed = the server had { $baseline } open descriptors at rest before the clients came ({ $file }); with { $clients } clients connected it had { $loaded_1 }, and { $secs } s after all { $clients } had closed their connections it still had { $after_1 }; after { $clients } more clients came and left: { $after_2 } (with them connected: { $loaded_2 })
    .expected = back to { $baseline } open descriptors within { $secs } s after the clients leave, round after round
    .why = { $extra } descriptors stayed open after their clients left{ $states }: a socket whose client has closed stays in CLOSE_WAIT until the server closes its side. A connection's socket is closed when the last owner of its TcpStream drops it; a stream, or a try_clone of it, kept in a Vec or a map for every client keeps the descriptor open after the client is gone, and the server eventually cannot accept any more (EMFILE, too many open files). Let the connection's thread own its stream and drop it when handle_client returns
ex11-tcp-state = { $count } in { $state }
ex11-tcp-states = its TCP sockets: { $states }

## resets_and_raw_bytes

ex11-the-client-after-the-resets = the client after the resets
ex11-the-client-after-the-storm = the client after the resets ({ $storm })
ex11-reset-threads-left = { $after } threads in /proc/PID/task once every client had gone, { $baseline } at rest before { $storm }
ex11-reset-threads-left-expected = { $baseline } threads again: the threads of the clients that reset have ended
ex11-reset-threads-left-why = a client's thread must end when its connection fails, not only when the client closes politely: perhaps an error (ECONNRESET, EPIPE) leaves the thread waiting, or retrying the failed read or write

## failed_accept_is_no_reason_to_stop (the scenario is pack_support::accept's)

ex11-stopped-by-accept-why = a failed accept is no reason to stop: accept fails when the process is out of descriptors (EMFILE) or a connection was reset before it was accepted, and the listener itself is fine. `stream.unwrap()` (or `?`) on what listener.incoming() yields panics (or returns out of serve) and ends the whole server, with every client's thread; match on it instead, report the error on stderr and go on accepting (a short pause first, thread::sleep for 10 ms say, keeps the loop from spinning while the process is out of descriptors)
ex11-waiting-not-served-why = after a failed accept the server must go on accepting: the client that waited in the listen queue is accepted as soon as a descriptor is free. Perhaps the accept loop ended (break or return on the error) while the threads serving the connections kept running

## echo_survives_stop_and_continue

ex11-stop-continue-measured = { $lines } lines of { $kib } KiB echoed whole while the server was stopped and continued { $stops } times
ex11-stop-continue-stopped-early =
    .observed = the checker sent { $lines } lines of { $kib } KiB and read the echo slowly, stopping and continuing the server (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) { $stops } times meanwhile; { $got } of { $sent } bytes came back{ $stop }; { $difference }
    .expected = every line back whole, in order
    .why = the echo stopped early: a stop and continue must change nothing; finish every write (write_all) and keep serving until the client closes
ex11-stop-continue-short-write =
    .observed = the checker sent { $lines } lines of { $kib } KiB and read the echo slowly, stopping and continuing the server (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) { $stops } times meanwhile; { $got } of { $sent } bytes came back{ $stop }; { $difference }
    .expected = every line back whole, in order
    .why = bytes are missing in the middle of a line: a short write. A write() interrupted part-way (the process was stopped, a signal came) returns how many bytes it sent, which may be fewer than asked; the rest must still be sent. write_all does that, in a loop, and retries on Interrupted; a single write() whose count is ignored loses the rest of the line

## slow_reader_does_not_stall_others

ex11-slow-reader-blocks-others-why = the other clients wait for the one that does not read: its thread, blocked in write_all until that client reads, holds something every thread needs. Perhaps a lock shared by all connections (a Mutex around the writes, or around the list of clients) is held while writing: a slow client must block only its own thread, so hold no shared lock across a read or a write
ex11-slow-reader-reads-back-why = once the client reads, its thread's write_all goes on: every line must come back exactly once, in order

## idle_server_sleeps

ex11-idle-situation = with 10 clients connected and nothing to send or receive
ex11-idle-spins-why = the server keeps a thread running while nothing happens: perhaps a socket in nonblocking mode read in a loop that tries again at once on WouldBlock (with or without thread::yield_now()). A blocking read waits in the kernel, using no CPU, until the client sends; that is what a thread per client is for
ex11-idle-polls-why = the server wakes up again and again (more than once a second) with nothing to do: a loop that sleeps a little and reads again (a nonblocking socket, or a short read timeout). Let each thread block in read: the kernel wakes it when its client sends

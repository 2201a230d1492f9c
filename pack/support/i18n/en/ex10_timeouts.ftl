# The hidden checks of ex10_timeouts: what they say to a student (see pack/support/src/text.rs).

## helpers: running the client and reading its one line

ex10-client-not-started =
    .observed = the client could not be started: { $error }
    .expected = a program that runs
    .why = the checker runs your compiled binary
ex10-never-connected =
    .observed = `{ $command }` never connected to the checker's server on 127.0.0.1:{ $port }; it ended with { $status }{ $stderr_note }
    .expected = { $expected }
    .why = the client connects to --host (default 127.0.0.1) and --port
ex10-never-connected-expected-reply = a connection, then the client waits at most --timeout-ms for the reply
ex10-never-connected-expected-reset = a connection, then `error: reset` when the server resets it
ex10-not-one-line =
    .observed = `{ $command }` printed { $stdout } and ended with { $status }{ $stderr_note }
    .expected = exactly one line on stdout: `reply: ...` or `error: refused` / `error: timed out` / `error: reset`
    .why = main.rs prints one line for the Result that request() returns: keep it, and print nothing else on stdout (use eprintln! for notes)
ex10-why-refused-not-timeout = the server accepted the connection (it listens) and then simply never answered: that is a timeout, not a refusal. ConnectionRefused comes only when nobody listens on the port
ex10-why-reset-not-timeout = nobody reset the connection: the server kept it open and silent. A read that waits longer than the read timeout fails with WouldBlock (TimedOut on some systems): classify() maps both to NetError::TimedOut
ex10-why-timeout-not-refused = a refused connection is not a timeout: nobody listens on that port, the system answered at once with ConnectionRefused, and waiting longer would not help. classify() must map ErrorKind::ConnectionRefused to NetError::Refused, so the user knows the server is not running
ex10-why-reset-not-refused = the connection was refused (ConnectionRefused: nobody listens on that port); reset means an established connection was torn down
ex10-why-timeout-not-reset = the server reset the connection and the client reported a timeout: a reset is not a timeout — the client did not wait in vain, the server tore the connection down. ConnectionReset (and BrokenPipe when writing after it, ConnectionAborted) is NetError::Reset
ex10-why-refused-not-reset = the server accepted the connection and then reset it: refused is only for a connection nobody accepts (ConnectionRefused); ConnectionReset is NetError::Reset
ex10-why-timeout-printed-as-other = connect_timeout fails with ErrorKind::TimedOut (a read timeout gives WouldBlock on Linux): classify() maps both to NetError::TimedOut, which prints exactly `timed out`; here the io::Error itself was printed (NetError::Other)
ex10-why-broken-pipe-printed-as-other = the server reset the connection while the client was still writing its message: a write after the server reset fails with BrokenPipe (EPIPE) rather than ConnectionReset (Linux says so when the server had ended its side first). classify() maps BrokenPipe, ConnectionReset and ConnectionAborted to NetError::Reset
ex10-why-write-error-not-reported = the server reset the connection while the client was still writing its message: a write after the server reset fails (BrokenPipe or ConnectionReset), and that error is the result — write_all(..).map_err(classify)?, before shutting down or reading. classify() maps BrokenPipe, ConnectionReset and ConnectionAborted to NetError::Reset
ex10-why-error-as-reply = an error must not look like an empty reply: request() returns Err(NetError) when connecting, writing or reading fails, and main.rs prints `error: { $right }`. Do not ignore the error of read_to_end
ex10-why-report-by-kind = the failure must be reported by its kind: `error: { $right }` (classify() maps the io::ErrorKind to NetError)
ex10-expected-error-line = exactly `error: { $kind }` on stdout and a non-zero exit status
ex10-wrong-report =
    .observed = { $situation }; `{ $command }` printed `{ $line }` after { $elapsed } ms and ended with { $status }{ $stderr_note }
    .expected = { $expected }
    .why = { $why }
ex10-exit-status-zero =
    .observed = { $situation }; `{ $command }` printed `{ $line }` but ended with { $status }
    .expected = { $expected }
    .why = a program that failed says so with its exit status (main.rs exits 1 when request() returns Err): scripts rely on it
ex10-machine-loaded = the machine was loaded ({ $summary })

## client_read_timeout

ex10-read-situation = the checker's server accepted the connection, received { $received } and never answered
ex10-read-summary = gave up { $waited } ms after the connection was accepted ({ $waited_at_least } ms after the process started); --timeout-ms { $timeout }; this machine woke threads up to { $late } ms late meanwhile
ex10-read-too-early =
    .observed = { $situation }; the client gave up after { $waited } ms
    .expected = it gives up after --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = the client gave up too early: the read timeout is the --timeout-ms value itself (set_read_timeout(Some(timeout))); a shorter one abandons servers that are merely slow
ex10-accept-noticed-late = the accept was noticed late ({ $summary })
ex10-read-too-late =
    .observed = { $situation }; the client waited { $waited } ms before saying `error: timed out`
    .expected = it gives up after --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = the client waited too long: the read must give up after --timeout-ms (set_read_timeout(Some(timeout)) before reading), not after a longer or repeated wait — every extra second blocks the user for nothing

## client_refused

ex10-refused-situation = nobody listens on 127.0.0.1:{ $port }, so connecting is refused at once
ex10-refused-killed =
    .observed = { $situation }; `{ $command }` was still running after { $after } ms (--timeout-ms { $timeout }) and was killed
    .expected = exactly `error: refused` on stdout, at once, and a non-zero exit status
    .why = a refused connection fails at once with ConnectionRefused: report it, do not retry or wait
ex10-refused-summary = said `error: refused` after { $elapsed } ms (--timeout-ms { $timeout }); wake-ups up to { $late } ms late
ex10-refused-slow =
    .observed = { $situation }; `{ $command }` said `error: refused`, but only after { $elapsed } ms
    .expected = `error: refused` at once (within { $at_once } ms, process start included)
    .why = the refusal comes back at once (ConnectionRefused): nobody listens there, and trying again (after a pause, or until the timeout) makes the user wait for an answer the client already has

## client_reset

ex10-reset-situation-after = the checker's server accepted the connection, read { $received } and reset it (RST) { $after } ms later
ex10-reset-situation = the checker's server accepted the connection, read { $received } and reset it (RST)
ex10-reset-killed =
    .observed = { $situation }; `{ $command }` was still running { $after } ms after it started, and was killed
    .expected = exactly `error: reset` on stdout, and a non-zero exit status
    .why = a reset ends the connection at once: the next read or write fails with ConnectionReset (or BrokenPipe); report it instead of waiting

## client_host_option

ex10-host-cannot-bind = 127.0.0.2 cannot be bound on this machine (it is loopback on Linux)
ex10-host-ignored =
    .observed = the checker's echo server listened on 127.0.0.2:{ $port } only; `{ $command }` connected to 127.0.0.1:{ $port } instead and printed `{ $line }`
    .expected = exactly `reply: { $message }` (the server on 127.0.0.2:{ $port } echoes)
    .why = --host was ignored: the client connects to (host, port) as given on the command line — (host, port).to_socket_addrs(), then connect_timeout to that address — not to a fixed 127.0.0.1
ex10-host-wrong-reply =
    .observed = the checker's echo server listened on 127.0.0.2:{ $port }; `{ $command }` printed `{ $line }` and ended with { $status }{ $stderr_note }
    .expected = exactly `reply: { $message }` (the server on 127.0.0.2:{ $port } echoes)
    .why = the client connects to --host at --port: resolve (host, port) with to_socket_addrs() and connect to the address it gives
ex10-localhost-cannot-listen = `localhost` does not resolve to loopback addresses the checker can all listen on here
ex10-and = {" "}and{" "}
ex10-localhost-not-resolved =
    .observed = the checker's echo server listened on { $addrs } (the addresses localhost resolves to); `{ $command }` printed `{ $line }` and ended with { $status }{ $stderr_note }
    .expected = exactly `reply: { $message }`
    .why = --host may be a name as well as an address: (host, port).to_socket_addrs() resolves a name (localhost, example.org) and reads an address; parse::<SocketAddr>() or parse::<IpAddr>() only reads numeric addresses

ex10-why-no-half-close = the client reached the right server but never shut down its sending side: an echo server replies until the client's end of stream, so it waited for more, and the client waited for a reply that ends only when the server closes. After writing the message, call stream.shutdown(Shutdown::Write), then read until read returns 0

## client_reads_the_whole_reply

ex10-pieces-expected = it connects, sends its message, shuts down its sending side and prints `reply: { $reply }`
ex10-pieces-cut =
    .observed = `{ $command }` against the checker's server, which answered in { $count } pieces with { $pause } ms between them (the client's --timeout-ms { $timeout }) and then closed, printed: { $line }
    .expected = reply: { $reply }
    .why = the reply is everything the server sends until it closes, not what one read() returns: a read gives whatever has arrived so far, here the first piece alone. Read in a loop until read returns 0 (or use read_to_end), then print

## client_connect_timeout

ex10-connect-situation = the checker's listener on 127.0.0.1:{ $port } never answered the connection attempt (its queue was full, so the system dropped the SYN, as for a machine that is down)
ex10-connect-killed =
    .observed = { $situation }; `{ $command }` was still running after { $after } ms (--timeout-ms { $timeout }) and was killed
    .expected = exactly `error: timed out` after --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = TcpStream::connect waits for the system's own limit when nobody answers (about two minutes on Linux): connect with TcpStream::connect_timeout(&addr, timeout), which gives up after the timeout with ErrorKind::TimedOut
ex10-connect-summary = said `error: timed out` { $took } ms after it started; --timeout-ms { $timeout }; wake-ups up to { $late } ms late
ex10-connect-too-early =
    .observed = { $situation }; the client gave up after { $took } ms
    .expected = `error: timed out` after --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = the client gave up connecting too early: the connect timeout is the --timeout-ms value itself (connect_timeout(&addr, timeout))
ex10-connect-too-late =
    .observed = { $situation }; the client said `error: timed out` only after { $took } ms
    .expected = `error: timed out` after --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = the connect waited too long: its timeout is --timeout-ms (connect_timeout(&addr, timeout)), not a fixed value or a multiple of it, nor several attempts one after another

## client_broken_pipe

ex10-message-placeholder = <the { $bytes }-byte message>
ex10-broken-pipe-message-fitted = the client's { $bytes }-byte message fitted in the socket buffers of this machine ({ $written } bytes held), so no write was in progress when the server reset
ex10-broken-pipe-situation-after = the client was writing a { $bytes }-byte message; the checker's server read none of it (its buffers were full after { $written } bytes), then ended its side of the connection and reset it (RST) { $after } ms after accepting
ex10-broken-pipe-situation = the client was writing a { $bytes }-byte message; the checker's server read none of it (its buffers were full after { $written } bytes), then ended its side of the connection and reset it (RST)
ex10-broken-pipe-killed =
    .observed = { $situation }; `{ $command }` was still running { $after } ms after it started, and was killed
    .expected = exactly `error: reset` on stdout, and a non-zero exit status
    .why = a reset ends the connection at once: the write in progress fails with BrokenPipe (or ConnectionReset); report it instead of waiting

## client_write_timeout

ex10-write-situation = the checker's server accepted the connection and never read anything, so the client's { $bytes }-byte message stopped after { $written } bytes
ex10-write-expected = exactly `error: timed out` { $lo }-{ $hi } ms after the last bytes got through (the failing write waits --timeout-ms, { $timeout } ms, and began at most that long after them)
ex10-write-killed =
    .observed = { $situation }; `{ $command }` was still running after { $after } ms (--timeout-ms { $timeout }) and was killed
    .expected = { $expected }
    .why = without a write timeout, write() waits forever for a server that reads nothing (its receive buffer and the client's send buffer are full): set stream.set_write_timeout(Some(timeout)) as well as the read timeout, so that the write fails (WouldBlock, classified as timed out)
ex10-write-message-fitted = the whole message fitted in this machine's socket buffers ({ $written } bytes)
ex10-write-fitted-summary = { $written } bytes in the buffers
ex10-write-socket-not-found = the client's socket could not be found in /proc/net/tcp
ex10-write-no-progress-summary = no progress observed
ex10-write-summary = said `error: timed out` { $quiet } ms after its last bytes got through ({ $elapsed } ms after it started; --timeout-ms { $timeout }; wake-ups up to { $late } ms late)
ex10-write-too-early =
    .observed = { $situation }; the client gave up { $quiet } ms after its last bytes got through
    .expected = { $expected }
    .why = the client gave up writing too early: the write timeout is the --timeout-ms value itself (set_write_timeout(Some(timeout)))
ex10-write-too-late =
    .observed = { $situation }; the client said `error: timed out` only { $quiet } ms after its last bytes got through
    .expected = { $expected }
    .why = the write waited too long: its timeout is --timeout-ms (set_write_timeout(Some(timeout))), not a fixed value or a multiple of it

## client_unresolved_host

ex10-unresolved-situation = the host { $host } does not resolve (and the network cannot be reached)
ex10-unresolved-killed =
    .observed = { $situation }; `{ $command }` was still running after { $after } ms, and was killed
    .expected = one line `error: <why>` at once, and a non-zero exit status
    .why = resolving the name fails at once here: report that error (NetError::Other) instead of retrying
ex10-unresolved-expected = one line `error: <the resolver's message>` (not refused, timed out or reset) and a non-zero exit status
ex10-unresolved-why-host-ignored = the client printed a reply from 127.0.0.1 although --host named another machine: --host was ignored. The client connects to (host, port).to_socket_addrs()
ex10-unresolved-why-no-description = an error is printed as `error: ` and its description (main.rs does it for the Err that request() returns)
ex10-unresolved-why-wrong-kind = a name that does not resolve is neither refused, a timeout nor a reset: nothing was even tried. to_socket_addrs() fails with an error of another kind, and classify() keeps every other kind as NetError::Other(error), whose text (the resolver's message) main.rs prints after `error: `, so the user learns that the name is wrong; `{ $kind }` sends them looking for a problem that is not there
ex10-unresolved-wrong-line =
    .observed = { $situation }; `{ $command }` printed `{ $line }` and ended with { $status }{ $stderr_note }
    .expected = { $expected }
    .why = { $why }

## server_drops_idle_client

ex10-silent-never-closed =
    .observed = a client that connected and never sent anything was still connected { $waited } ms later (--idle-timeout-ms { $timeout })
    .expected = closed once it has been silent for the idle timeout, counted from the moment it connected
    .why = a client that says nothing at all is idle from the start. Perhaps the read timeout is set only after the first message, or the idle time is counted from the last message received, of which there is none: set it on the connection before the first read
ex10-idle-no-echo =
    .observed = the client sent `ping { $i }`; the server did not echo it within { $wait } ms
    .expected = an echo of every message while the connection is active
    .why = the server echoes what it receives, as in ex09
ex10-idle-pause-overshot = the checker paused { $gap } ms instead of { $pause } ms
ex10-idle-pause-overshot-summary = pause before ping { $i } overshot: { $gap } ms
ex10-idle-closed-fresh =
    .observed = the client sent `ping 0`, `ping 1`, `ping 2` { $pause } ms apart, each echoed; the server closed the connection { $age } ms after it was accepted, when `ping { $i }` came only { $gap } ms after the previous exchange (--idle-timeout-ms { $timeout })
    .expected = a connection that talks at least every { $timeout } ms stays open
    .why = the server closed a fresh connection at once: it must echo and wait for more until the client is idle for --idle-timeout-ms
ex10-idle-closed-while-talking =
    .observed = the client sent `ping 0`, `ping 1`, `ping 2` { $pause } ms apart, each echoed; the server closed the connection { $age } ms after it was accepted, when `ping { $i }` came only { $gap } ms after the previous exchange (--idle-timeout-ms { $timeout })
    .expected = a connection that talks at least every { $timeout } ms stays open
    .why = the idle timeout counts silence since the last byte received, not the connection's age: set_read_timeout(Some(idle_timeout)) makes each read wait at most that long, and every byte that arrives restarts the wait. A client that keeps talking stays connected
ex10-idle-wrong-echo =
    .observed = the client sent { $sent } and received { $received }
    .expected = { $sent } echoed
    .why = the server echoes exactly what it receives, as in ex09
ex10-idle-steps = after 3 messages { $pause } ms apart (each echoed), the client stayed silent
ex10-idle-never-closed =
    .observed = { $steps }; the connection was still open { $waited } ms after its last byte (--idle-timeout-ms { $timeout })
    .expected = the server closes it { $lo }–{ $hi } ms after the last byte (the idle timeout ± 20%)
    .why = the server never drops an idle client: its read() waits forever for a client that went quiet, holding a thread and a descriptor for nothing. Set the idle timeout as the read timeout (stream.set_read_timeout(Some(idle_timeout))) and close the connection when read() fails with WouldBlock or TimedOut
ex10-wake-ups-late = wake-ups up to { $late } ms late
ex10-idle-sent-unasked =
    .observed = { $steps }; then the server sent { $extra }
    .expected = nothing, then the server closes the connection
    .why = the server only echoes: it sends nothing on its own
ex10-idle-sent-before-closing =
    .observed = { $steps }; then the server sent { $extra } before closing
    .expected = nothing, then the server closes the connection
    .why = the server only echoes: it sends nothing on its own
ex10-idle-summary = closed { $silent } ms after the last echo ({ $silent_at_most } ms after the last message was sent); --idle-timeout-ms { $timeout }; wake-ups up to { $late } ms late
ex10-idle-closed-too-early =
    .observed = { $steps }; the server closed the connection after only { $silent } ms of silence
    .expected = the server closes it { $lo }–{ $hi } ms after the last byte (the idle timeout ± 20%)
    .why = the server dropped the client too early: the read timeout must be the --idle-timeout-ms value itself
ex10-last-echo-noticed-late = the last echo was noticed late ({ $summary })
ex10-idle-closed-too-late =
    .observed = { $steps }; the server closed the connection only { $silent } ms after its last byte
    .expected = the server closes it { $lo }–{ $hi } ms after the last byte (the idle timeout ± 20%)
    .why = the server waited too long: the read timeout is the idle timeout itself, set once on the stream (set_read_timeout) — not a multiple of it, nor a check made only every few seconds

## server_keeps_serving_others

ex10-client-1-sending = client 1 sending
ex10-why-echo-as-in-ex09 = the server echoes what it receives, as in ex09
ex10-client-i-sending = client { $i } sending
ex10-others-blocked =
    .observed = client { $i } got no echo within { $wait } ms while client 1 and { $crowd } more clients sat idle (connected, silent; client 1 for { $silent } ms, well within --idle-timeout-ms { $timeout })
    .expected = client { $i } served at once, whatever the idle clients do
    .why = idle clients hold every thread that could serve the newcomer: perhaps the server serves one client at a time (it sits in an idle client's read() until that client leaves or times out), or it serves clients on a fixed pool of threads, each of which can be held by an idle client. Serve each connection on a thread of its own (thread::spawn(move || handle_client(stream, idle_timeout))) so that an idle client only holds its own thread
ex10-others-wrong-echo =
    .observed = client { $i } sent { $sent } and received { $received }{ $stop }
    .expected = { $sent } echoed
    .why = every client is echoed, while another one sits idle
ex10-idle-client-dropped =
    .observed = after { $silent } ms of silence (--idle-timeout-ms { $timeout }), client 1 sent { $sent } and received { $received }{ $stop }
    .expected = client 1 still connected and echoed: it was idle for less than { $timeout } ms
    .why = serving the other clients must not end the idle one before its idle timeout: each connection has its own read timeout, on its own thread
ex10-io-failed =
    .observed = { $doing } failed: { $error }
    .expected = the server keeps the connection open while the client talks
    .why = the server must not close or reset a connection that is in use

## server_survives_client_resets

ex10-resets-next-could-not-connect = after { $storm }, the next client could not connect: { $observed }
ex10-client-after-resets-sending = the client after the resets, sending
ex10-resets-after = after { $storm }: { $observed }
ex10-resets-why-keep-serving = an error with one client (a reset) is printed to stderr and the server keeps serving: the thread that served that client ends, and the others go on
ex10-resets-not-told =
    .observed = after { $storm }, the server went on serving, but printed nothing on stderr
    .expected = a line on stderr for each of the two connections that failed ("client failed: Connection reset by peer")
    .why = an error with one client is printed to stderr, so whoever runs the server sees it: only WouldBlock and TimedOut mean an idle client; a reset (ConnectionReset) while reading, a broken pipe while writing and the rest are errors, returned from handle_client and printed by the accept loop
ex10-resets-told-once =
    .observed = after { $storm }, the server went on serving, but printed only { $count } line: { $stderr } on stderr
    .expected = a line on stderr for each of the two connections that failed ("client failed: Connection reset by peer")
    .why = an error with one client is printed to stderr, so whoever runs the server sees it: only WouldBlock and TimedOut mean an idle client; a reset (ConnectionReset) while reading, a broken pipe while writing and the rest are errors, returned from handle_client and printed by the accept loop

# What pack_support itself says to a student, for every exercise (see src/text.rs).

## lib.rs: the check's run

support-panicked =
    .observed = the code panicked: { $message }
    .expected = no panic
    .why = a panic during the check means the code under test hit a bug (or a todo!() that is not written yet)

## timing.rs: a timing check measured in several attempts

support-too-busy = the machine was too busy to measure in { $count } attempts ({ $summaries }): { $doubt }
support-not-set-up = the situation could not be set up on this machine in { $count } attempts ({ $summaries }): { $doubt }
support-measured-times = { $observed } (measured { $count } times: { $summaries })

## net.rs: showing bytes

support-bytes-in-all = ... ({ $count } bytes in all)
support-quoted = "{ $escaped }" ({ $count } { $count ->
        [one] byte
       *[other] bytes
    })
support-diff-missing = the first { $at } bytes are right, then { $missing } bytes are missing (from { $window })
support-diff-extra = the first { $at } bytes are right, then { $extra } extra { $extra ->
        [one] byte
       *[other] bytes
    }: { $window }
support-diff-differ = they differ from byte { $at } on (counting from 0): expected { $expected }, received { $received }

## net.rs: conversations

support-nothing-more-arrived = nothing more arrived before the deadline
support-connection-closed = the connection was closed
support-more-bytes-arrived = more than { $max } bytes arrived
support-stop-closed = then the connection was closed
support-stop-timed-out = then nothing more arrived before the deadline
support-stop-reset = then the connection was reset
support-stop-failed = then reading failed: { $error }
support-received = received { $got }
support-expect-stopped = , { $stop } ({ $ms } ms after starting to read)
support-expect-bytes =
    .observed = { $observed }
    .expected = { $expected } within { $ms } ms
    .why = a TCP connection is a stream of bytes: every byte must arrive, unchanged and in order (in pieces of any size)
support-doing-connecting = connecting to the server
support-doing-cloning = cloning the connection
support-far-more-bytes = far more bytes came back than were sent
support-ipv4-expected = an IPv4 address is expected
support-checker-trouble =
    .observed = { $doing } failed in the checker: { $error }
    .expected = the checker's own socket calls work
    .why = this is a problem of the checker or the machine, not of your code; please report it
support-reset-storm-done = two clients reset their connections (one in the middle of a line, one while the server was writing its echo to it: it had sent lines without reading until its writes stalled)
support-reset-storm-exited =
    .observed = after { $done }, { $exit }
    .expected = the server drops those connections and goes on serving other clients
    .why = an error of one connection (ECONNRESET from a read, EPIPE or ECONNRESET from a write) ended the whole server. Perhaps the error is returned from the serving loop with `?`, or unwrap()ped in the code that serves a client: such an error means only that this client is gone; report it on stderr and go on with the others

## net.rs: a connection attempt that hangs

support-hang-refused = a connection to a listener with a full queue failed at once instead of hanging: { $error }
support-hang-accepted = a listener with backlog 0 that never accepts took 8 connections without making a 9th wait
support-hang-cannot = no connection attempt could be made to hang here: { $error }
support-hang-summary = no hanging connect

## net.rs: a client that does not read

support-deaf-measured = the client that does not read sent { $kib } KiB in { $ms } ms before its writes stalled
support-deaf-not-stalled = the machine's socket buffers took all { $mib } MiB a client sent without reading: the check could not fill them
support-deaf-could-not-connect = a client that would not read could not connect: { $observed }
support-checker-receive-buffer =
    .observed = the checker could not set its socket's receive buffer: { $error }
    .expected = a working checker
    .why = this is a problem of the machine, not of your code
support-checker-clone =
    .observed = the checker could not clone its socket: { $error }
    .expected = a working checker
    .why = this is a problem of the machine, not of your code
support-deaf-send-failed =
    .observed = a client sending lines without reading its echo could not send after { $sent } bytes: { $error }
    .expected = the connection stays open
    .why = { $why }
support-deaf-keep-open = the server must keep a connection open while its client sends, whether or not the client reads
support-beside-who = client { $k } beside it
support-beside-changed =
    .observed = { $who } sent { $line } and received { $got }
    .expected = exactly { $line } back
    .why = { $why }
support-beside-sipped = , then read only { $kib } KiB of it (a slow reader)
support-nothing-back = nothing back
support-only-back = only { $got } back
support-beside-stalled =
    .observed = { $deaf }{ $sipped }; then another client sent { $line } and got { $got } within { $ms } ms{ $exit }
    .expected = every other line back within { $ms } ms, whether or not one client reads
    .why = { $why }
support-beside-cut-off =
    .observed = { $who } sent { $line } and received { $got }, { $stop }
    .expected = { $line } back, with the connection kept open
    .why = { $why }
support-deaf-read-cut =
    .observed = a client that had sent { $complete } bytes of complete lines without reading then read, and got { $got } bytes back, { $stop }
    .expected = all { $complete } bytes back within { $secs } s once it reads
    .why = { $why }
support-deaf-read-wrong =
    .observed = a client that had sent { $complete } bytes of lines without reading then read: after { $got } correct bytes, { $diff }
    .expected = every line back exactly, in order
    .why = { $why }

## net.rs: what a program printed

support-bytes-not-kept = ({ $count } bytes not kept)
support-printed-nothing = nothing
support-printed-stdout = on stdout: { $out }
support-printed-stderr = on stderr: { $err }
support-printed-both = on stdout: { $out }; on stderr: { $err }

## net.rs: a student's server

support-server-not-started =
    .observed = `{ $command }` could not be started: { $error }
    .expected = a program that runs
    .why = the checker runs your compiled binary as a server
support-server-exited-early =
    .observed = the server exited ({ $status }) { $ms } ms after it started, before serving any client; it printed { $printed }
    .expected = `{ $command }` listens on 127.0.0.1:{ $port } and keeps running until it is stopped
    .why = { $why }
support-server-not-listening =
    .observed = the server did not listen on port { $port } within { $secs } s; it printed { $printed }
    .expected = `{ $command }` listens on 127.0.0.1:{ $port } within { $secs } s
    .why = a server binds its listening socket to the port given with --port (TcpListener::bind(("127.0.0.1", port))) as soon as it starts, before anything slow
support-listens-wrong-address = it listens on { $list }: the right port, but not on the address 127.0.0.1
support-listens-wrong-port = it listens on { $list }, not on port { $port }
support-server-listens-elsewhere =
    .observed = the server did not listen on 127.0.0.1:{ $port } within { $secs } s: { $what }
    .expected = `{ $command }` listens on 127.0.0.1:{ $port }
    .why = the server must bind the port given with --port, on the loopback address 127.0.0.1: a fixed port or another address cannot be reached by the checker
support-server-had-exited = the server (PID { $pid }) had exited ({ $status }); it printed { $printed }
support-connect-failed-exited =
    .observed = connecting to 127.0.0.1:{ $port } failed ({ $error }): { $exit }
    .expected = the server (`{ $command }`) accepts a connection
    .why = a server keeps running and accepting clients until it is stopped; an error while serving one client (or a panic) must not end the whole server
support-connect-failed-running =
    .observed = connecting to 127.0.0.1:{ $port } failed: { $error } (the server, PID { $pid }, is still running)
    .expected = the server (`{ $command }`) accepts a connection
    .why = the server must keep its listening socket open and keep accepting connections
support-server-survived-sigterm =
    .observed = the server (PID { $pid }) was still running { $secs } s after SIGTERM; it was killed with SIGKILL
    .expected = the server exits when it receives SIGTERM
    .why = SIGTERM asks a process to stop; by default it ends the process. A handler that catches SIGTERM must make the server stop, not ignore it
support-port-still-in-use =
    .observed = port { $port } was still in use 1 s after the server (PID { $pid }) exited
    .expected = port { $port } can be bound again once the server is gone
    .why = when a server exits, its listening socket closes with it; a process the server started (a child that inherited the socket) still holds the port
support-exit-code = exit status: { $code }
support-exit-signal = signal: { $signal }
support-exited-todo = the server panicked at a todo!(): write the function it calls
support-exited-panicked = the server panicked before it listened: see the panic message above
support-exited-addr-in-use = binding the port failed: the port is taken (another server still running?)
support-exited-on-its-own = a server binds its port, then accepts clients in a loop for as long as it runs; it must not exit on its own

## net.rs: a student's client

support-on-stderr = ; on stderr:
support-client-todo = the program panicked at a todo!(): write the function it calls (see the panic message)
support-client-panicked = the program panicked: see the panic message on its stderr
support-client-killed = still running after { $ms } ms, killed by the checker
support-unknown-exit = unknown exit

## net.rs: phrases the many-client drivers share

support-with-exit = { $why }. Note: { $exit }
support-ranges = { $count ->
        [one] client
       *[other] clients
    } { $list }

## echo.rs

support-could-not-connect = { $who } could not connect: { $observed }
support-client-of = client { $i } of { $n }
support-could-not-send =
    .observed = { $who } could not send { $line }: { $error }
    .expected = the connection stays open until the client closes it
    .why = { $why }
support-keep-each-open = the server must keep each connection open until its client closes it
support-echo-changed =
    .observed = { $who } sent { $line } and received { $got }: { $diff }
    .expected = exactly { $line } back
    .why = { $why }
support-echo-exact = the server sends each line back exactly as it was received, byte for byte
support-echo-cut-off =
    .observed = { $who } sent { $line } and received { $got }, { $stop }
    .expected = { $line } back within { $secs } s, with the connection kept open
    .why = { $why }
support-echo-keep-open = the server sends each line back as soon as it is complete and keeps the connection open until the client closes it

## cpu.rs

support-usage = used { $cpu_ms } ms of CPU in { $wall_ms } ms ({ $percent } % of a core) and woke up { $sleeps } { $sleeps ->
        [one] time
       *[other] times
    }
support-usage-runnable = { $usage }, and was runnable (not asleep) at { $percent } % of { $looks } looks
support-idle = { $usage }, at { $moments } separate { $moments ->
        [one] moment
       *[other] moments
    }, and its busiest thread was runnable (not asleep) at { $percent } % of { $looks } looks
support-idle-it-was-gone = it was gone
support-idle-gone =
    .observed = the server could not be observed while idle; { $exit }
    .expected = the server keeps running while clients are connected
    .why = the server must keep serving until it is stopped
support-idle-measured = idle server { $situation }: { $seen }
support-idle-busy =
    .observed = { $situation }, the server { $seen }
    .expected = about no CPU, and wake-ups at most about once a second: an idle server sleeps in the kernel until a socket is ready
    .why = { $why }
support-idle-busy-no-timer =
    .observed = { $situation }, the server { $seen }
    .expected = about no CPU, and no wake-ups again and again: with nothing to do, the server sleeps in the kernel (poll with no timeout) until a socket is ready
    .why = { $why }
support-cpu-note = , and meanwhile the process used { $cpu_ms } ms of CPU in { $wall_ms } ms (a thread spinning)

## metrics.rs: replies

support-reply-not-utf8 = it is not UTF-8 text ({ $error })
support-reply-no-empty-line = it does not end with an empty line (\n\n)
support-reply-error-lines = after `error` comes exactly one line, the message
support-reply-first-line = its first line is { $first }, not `ok` or `error`
support-reply-empty = it is empty
support-sample-fields = the line { $line } has { $count } { $count ->
        [one] field
       *[other] fields
    } separated by single spaces, not 3 (<key> <value> <timestamp>)
support-sample-no-key = the line { $line } has no valid key
support-sample-value = in the line { $line }, the value { $value } is not a number
support-sample-timestamp = in the line { $line }, the timestamp { $timestamp } is not an integer
support-no-measurement-line = no measurement line
support-received-nothing = received nothing

## metrics.rs: load

support-load-summary = { $answered } of { $expected } requests from { $clients } clients answered in { $ms } ms ({ $rate }/s); latency p50 { $p50 }, p99 { $p99 }, max { $max }
support-load-could-not-connect = client { $i } could not connect: { $error }
support-load-client-error = client { $number } ({ $answered } replies so far): { $what }
support-load-stopped-accepting = the connection stopped accepting bytes
support-load-send-failed = sending failed: { $error }
support-load-server-closed = the server closed the connection
support-load-receive-failed = receiving failed: { $error }
support-load-unasked-reply = a reply came that no request asked for: { $reply }
support-load-wrong-reply = sent "{ $request }", expected { $expected }, received { $got }
support-load-too-long = more than { $max } bytes arrived without the end of a reply

## rng.rs

support-replay-hint = seed { $seed } (to replay: { $variable }={ $seed } checker submit { $exercise })

## watch.rs

support-panic-without-message = (a panic without a message)

## shared/explore.rs

support-explore-random = shuttle's random scheduler
support-explore-pct = shuttle's PCT scheduler, depth { $depth }
support-explore-found = found in schedule { $index } of { $schedules } ({ $strategy }; replay: { $variable }={ $token } checker submit { $exercise })
support-explore-measured = { $total } schedules explored without a failure
support-explore-replayed = replayed schedule { $token } only, as { $variable }={ $token } asks
support-explore-bad-token =
    .observed = { $panic }
    .expected = a token printed by a failing check, such as random:5:37
    .why = copy the token from the check's report, or unset the variable to explore every schedule
support-explore-replay-passed =
    .observed = { $how }: it ran without a failure
    .expected = the check explores hundreds of schedules; a replay runs just one
    .why = a replay only reproduces one schedule, so it never passes the check: unset { $variable } to explore every schedule
support-deaf-stalled = one client sent { $kib } KiB of lines without reading its echo, until its writes stalled
support-deaf-half-closed = one client sent { $kib } KiB of lines and an unfinished one without reading its echo, then closed its sending side (the server met its end of file with most of the echo still to send)
support-half-closed-measured = a client sent { $kib } KiB without reading its echo and closed its sending side; { $queued_kib } KiB of the echo were in the kernel's buffers then, the rest in the server
support-waits-call = { $call } on descriptor { $fd } ({ $times } { $times ->
        [one] time
       *[other] times
    })
support-waits-meanwhile = ; meanwhile the server's threads were seen asleep in { $seen }
support-waits-why = { $blocking }. Other possible causes: { $otherwise }
support-blocking-in-task-why = the runtime's threads were seen asleep in a read or write on a socket: a blocking std call inside a task (std::net or std::io on the connection, a socket switched back to blocking mode, into_std) holds its worker thread for as long as its client is silent, and with every worker held no other task runs, however many were spawned. Use tokio's TcpStream with AsyncReadExt/AsyncWriteExt (or tokio's BufReader) and await each call

## accept.rs: a failed accept, provoked from outside

support-accept-limit-not-lowered =
    .observed = the checker could not lower the server's descriptor limit: { $error }
    .expected = a working checker
    .why = this is a problem of the machine, not of your code
support-accept-listener-closed = its listening socket was closed (client { $i }'s connection was refused) while the server, PID { $pid }, kept running
support-accept-line-back = { $line } back
support-accept-wrong-reply =
    .observed = with the server's descriptor limit lowered to { $limit } ({ $open } open), client { $i } sent { $line } and received { $got }
    .expected = { $reply }, or no answer until a descriptor is free
    .why = a connection the server has accepted is served; one it cannot accept yet waits in the listen queue
support-accept-never-failed = the server's descriptor limit was lowered to { $limit } ({ $open } open), yet all { $served } clients were answered: accept never failed
support-accept-waiting-not-served =
    .observed = with the server's descriptor limit lowered to { $limit } ({ $open } open), client { $i } could not be accepted; then { $left } of the { $kept } clients served left, and in { $secs } s client { $i } received { $got }
    .expected = { $reply } once descriptors are free again
    .why = { $why }
support-accept-newcomer = a client that connects afterwards
support-accept-measured = descriptor limit lowered to { $limit } with { $open } open: { $kept } clients served, client { $i } waited until others left, then was served
support-accept-spins =
    .observed = with the server's descriptor limit lowered to { $limit } ({ $open } open) and client { $i } waiting to be accepted (accept failed with EMFILE, "Too many open files"), the server { $seen }
    .expected = the server waits: about no CPU while it cannot accept, a wake-up every few milliseconds at most
    .why = { $why }
support-accept-stopped =
    .observed = the server's descriptor limit was lowered to { $limit } ({ $open } open); { $served } clients were served, then client { $i } could not be accepted (accept failed with EMFILE, "Too many open files"); { $exit }
    .expected = the server goes on: once some clients leave and descriptors are free, it accepts again
    .why = { $why }

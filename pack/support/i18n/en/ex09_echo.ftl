# The hidden checks of ex09_echo: what they say to a student (see pack/support/src/text.rs).

## echo_exact_bytes

ex09-writer-failed = writing failed after { $sent } bytes ({ $error })
ex09-writer-half-close-failed = all { $sent } bytes were written, but the half-close failed ({ $error })
ex09-writer-panicked = the writer panicked
ex09-exact-expected = the same { $n } bytes back (every byte value 0..=255, then bytes that are not UTF-8), and nothing more
ex09-exact-extra =
    .observed = the { $n } bytes came back, then { $extra } more: { $bytes }
    .expected = the same { $n } bytes back (every byte value 0..=255, then bytes that are not UTF-8), and nothing more
    .why = an echo server sends back exactly the bytes it read, each once: write &buf[..n] (the n bytes this read() returned), not the whole buffer
ex09-exact-sent = the checker sent { $n } bytes and shut down its sending side
ex09-exact-sent-failed = the checker sent { $n } bytes: { $error }
ex09-exact-through-string =
    .observed = { $sent }; the echo ({ $got } bytes) contains the replacement character U+FFFD (bytes ef bf bd) where the message had bytes that are not UTF-8; { $difference }
    .expected = the same { $n } bytes back (every byte value 0..=255, then bytes that are not UTF-8), and nothing more
    .why = the echo went through text: String::from_utf8_lossy replaces every byte that is not valid UTF-8. A socket carries bytes, not text: write back exactly the &buf[..n] that read() returned, with no conversion
ex09-exact-short-observed = { $sent }; only the first { $got } of the { $n } bytes came back{ $stop }
ex09-exact-short-stopped = the server stopped echoing although bytes were still coming: keep reading and writing back in a loop until read() returns 0 (the client shut down its sending side)
ex09-exact-short-one-read = read() returns whatever has arrived so far, at most the buffer's size, so a long message takes many reads: an echo server reads and writes back in a loop until read() returns 0 (the end of the stream), and only then closes
ex09-exact-wrong =
    .observed = { $sent }; the echo has { $got } bytes{ $stop }; { $difference }
    .expected = the same { $n } bytes back (every byte value 0..=255, then bytes that are not UTF-8), and nothing more
    .why = an echo server sends back exactly the bytes it read, in order, each once: write &buf[..n] (the n bytes this read() returned), not the whole buffer, and do not change them

## echo_split_writes

ex09-split-writes = the checker wrote { $message } in { $count } writes of 1 byte, { $pause } ms apart
ex09-split-closed =
    .observed = { $writes }; the server echoed { $got } and then ended the connection while the client was still sending ({ $sent } of { $total } bytes written when it ended)
    .expected = the whole message { $message } back while the client is still connected
    .why = the server read once and closed: read() returns what has arrived so far — here a single byte, since the message came one byte at a time. A stream has no message boundaries: read and write back in a loop until read() returns 0
ex09-split-after-eof =
    .observed = { $writes }; nothing came back during the { $waited } ms the client kept its side open; the echo came only after the client shut down its sending side
    .expected = the whole message { $message } back while the client is still connected
    .why = the server echoes only after the client shut down its sending side: it reads until the end of the stream (read_to_end) before writing anything. An echo server sends back each piece as soon as read() returns it, so an interactive client (a terminal, nc) sees its echo at once
ex09-split-nothing =
    .observed = { $writes }; nothing came back within { $wait } ms (and after a half-close: { $late })
    .expected = the whole message { $message } back while the client is still connected
    .why = write back each piece read() returns, at once; a server that waits for more (a full buffer, a newline) before echoing never answers a client that writes a byte at a time
ex09-split-other =
    .observed = { $writes }; the server echoed { $got }, { $stop }
    .expected = the whole message { $message } back while the client is still connected
    .why = every byte must come back, in order, as soon as it arrives: read and write back in a loop, writing exactly the bytes each read() returned

## echo_without_newline

ex09-newline-doing-send = sending a message with no newline
ex09-newline-sent = the checker sent { $message }, with no newline at the end, in one write and kept the connection open for { $wait } ms
ex09-newline-closed =
    .observed = { $sent }; the server echoed { $got }, { $stop }
    .expected = { $message } back while the client is still connected
    .why = the server must keep the connection and echo each piece as soon as read() returns it, whatever the piece holds: read and write back in a loop until read() returns 0
ex09-newline-waited-for-newline =
    .observed = { $sent }; nothing came back; when the checker then sent a newline, the whole line came back at once
    .expected = { $message } back while the client is still connected, with no newline needed
    .why = the server echoes line by line (read_line, read_until(b'\n'), lines()): it waits for a newline before writing anything back. A TCP stream carries bytes, not lines: write back each piece as soon as read() returns it, whatever it holds, so that a message with no newline (a prompt, binary data) comes back too
ex09-newline-after-eof =
    .observed = { $sent }; it got back only { $got } (nothing more even after a newline); the rest came only after the client shut down its sending side
    .expected = { $message } back while the client is still connected
    .why = the server waits for more than read() gave it (the end of the stream, a full buffer, a line) before writing back. An echo server sends back each piece as soon as read() returns it, so a client still connected sees its echo at once
ex09-newline-nothing =
    .observed = { $sent }; it got back only { $got }, nothing more after a newline, and { $late } after a half-close
    .expected = { $message } back while the client is still connected
    .why = write back each piece read() returns, at once and exactly; a server that waits for more before echoing (a full buffer, a newline, the end of the stream) leaves an interactive client without its echo

## half_close

ex09-doing-send-first = sending the first part
ex09-half-close-first-echo-why = an echo server sends back each piece as it arrives, while the connection stays open
ex09-half-close-already-ended = {" "}(the server had already ended the connection)
ex09-half-close-send-failed =
    .observed = the checker sent { $first }, got it back, then sending { $second } and shutting down its side failed: { $error }{ $ended }
    .expected = the connection stays open after the first echo, until the client has finished
    .why = the server closed the connection after echoing the first part: one read is not the whole conversation. Read and echo in a loop until read() returns 0 (the client's half-close), then close
ex09-half-close-steps = the checker sent { $first }, got it back, sent { $second } and shut down its sending side (shutdown(Shutdown::Write))
ex09-ending-closed = closed the connection
ex09-ending-reset = reset the connection
ex09-ending-kept-open = kept the connection open for { $wait } ms after the client's half-close
ex09-ending-error = made reading fail ({ $error })
ex09-half-close-kept-open =
    .observed = { $steps }; the rest was echoed, but the server { $ending }
    .expected = { $second } echoed, then the server closes the connection (end of stream)
    .why = when read() returns 0 the client has finished sending: the server must then close its side (return from handle_client so the stream is dropped, or shutdown(Shutdown::Write)); a client that reads the reply to the end waits for that close forever
ex09-half-close-partial =
    .observed = { $steps }; only { $got } of the second part came back, then the server { $ending }
    .expected = { $second } echoed, then the server closes the connection (end of stream)
    .why = after the client's half-close the server must still echo everything it has not echoed yet: it keeps reading until read() returns 0, writes back each piece, and closes only then
ex09-half-close-reset =
    .observed = { $steps }; the server echoed { $got }, then reset the connection
    .expected = { $second } echoed, then the server closes the connection (end of stream)
    .why = a half-close is not an error: the server reads the rest until read() returns 0, echoes it, and closes normally
ex09-half-close-other =
    .observed = { $steps }; then the checker received { $got }, and the server { $ending }
    .expected = { $second } echoed, then the server closes the connection (end of stream)
    .why = after the half-close the server echoes exactly what is left, then closes

## sequential_clients

ex09-seq-expected = { $clients } clients, one after another, each echoed and then its connection closed
ex09-seq-why-served-one = the server served one client and exited: a server accepts in a loop (for stream in listener.incoming()), and after one client leaves it goes back to accept() for the next
ex09-seq-why-exited = the server exited while clients were still coming: it must accept in a loop for as long as it runs, and an error with one client must not end it
ex09-seq-served = after { $served } client(s) were served
ex09-seq-still-running = the server (PID { $pid }) is still running
ex09-seq-why-still-running = a server keeps its listening socket open and accepts the next client after each one
ex09-seq-connect-failed = client { $i } of { $clients } could not connect ({ $error }) { $served }; { $state }
ex09-seq-not-closed =
    .observed = client { $i } of { $clients } got its echo { $got }, but the server did not close the connection within { $wait } ms after the client's half-close
    .expected = { $clients } clients, one after another, each echoed and then its connection closed
    .why = when read() returns 0 the server must close that connection and go back to accept() for the next client; otherwise the next clients wait behind it
ex09-seq-then-closed = then the connection was closed
ex09-seq-wrong = client { $i } of { $clients } connected { $served }, sent { $sent } and received { $got }, { $stop }
ex09-seq-why-next = after the first client the server must go back to accept() and serve the next one exactly like the first
ex09-seq-why-first = each client's bytes must come back, then the server closes the connection

## one_client_at_a_time

ex09-turns-doing-send-first = sending the first client's message
ex09-turns-steps = a first client sent { $first } and stayed connected, sending nothing more; a second client then connected, sent { $second }, shut down its sending side and waited { $hold } ms
ex09-turns-expected = nothing for the second client while the first is connected; { $second } back once the first has left
ex09-turns-served-together = { $steps }: it got { $got } back, { $stop }, while the first client was still connected
ex09-turns-served-together-why = the server serves several clients at once (a thread per client?). This server serves each client to the end before accepting the next: in the accept loop, call handle_client(stream) itself and go back to accept() only when it returns. The other clients wait meanwhile, queued by the kernel; serving many at once comes later in the course
ex09-turns-first-closed = the first client then shut down its sending side and the server closed that connection
ex09-turns-first-not-closed = the first client then shut down its sending side, but the server did not close that connection within { $wait } ms
ex09-turns-second-never = { $steps }; { $first_closed }; the second client received { $got }, { $stop }
ex09-turns-second-never-why = when one client leaves (read() returns 0), the server closes that connection and goes back to accept(): the next client, which was waiting in the kernel's queue, is served then

## client_sends_exact_bytes

ex09-client-not-started =
    .observed = the client could not be started: { $error }
    .expected = a program that runs
    .why = the checker runs your binary
ex09-client-never-connected = { $command } never connected to the checker's server on 127.0.0.1:{ $port }; it ended with { $status }{ $stderr }
ex09-client-connect-expected = a connection to 127.0.0.1:{ $port }, then the message
ex09-client-connect-why = the client connects to --host (default 127.0.0.1) and --port: TcpStream::connect((host, port))
ex09-client-why-extra = the client sent extra bytes after the message (a newline, a terminator, a second copy): the message is sent exactly as given, with nothing added — the server cannot tell an added byte from the message, and an echo would carry it back
ex09-client-why-nothing = the client connected but sent nothing: write the whole message with write_all
ex09-client-why-partial = part of the message is missing: write() may send only part of a buffer; write_all sends it all
ex09-client-why-changed = the client must send the message's bytes exactly, as UTF-8, unchanged
ex09-client-sent = { $command } sent { $got }; { $difference }
ex09-client-exactly = exactly { $message }
ex09-client-many-connections =
    .observed = { $command } opened { $count } connections
    .expected = one connection for the request
    .why = one request, one connection: connect once, send, read the reply on the same stream
ex09-client-no-half-close =
    .observed = { $command } sent the message but never shut down its sending side: the server waited 2 s for the end of the message, then replied anyway ({ $status })
    .expected = the message, then a half-close (the server reads 0 bytes: the message is complete)
    .why = the server cannot know the message is complete until the client shuts down its sending side: call stream.shutdown(Shutdown::Write) after writing, then read the reply
ex09-client-still-running =
    .observed = { $command } was still running { $after } ms after it started, although the server had replied and closed
    .expected = the client reads the reply until the server closes, prints it and exits
    .why = read until read() returns 0 (read_to_end): the server closes after its reply
ex09-client-why-own-message = the client printed its own message, not the reply: return the bytes read from the server (here they differ from the message, as they would with any server that is not an echo)
ex09-client-why-truncated = return every byte of the reply, read until the server closes (read_to_end), unchanged; main.rs writes it to stdout as is
ex09-client-why-other-reply = return the reply exactly as received; main.rs writes it to stdout
ex09-client-printed = the server replied { $reply } and closed; { $command } printed { $printed } and ended with { $status }{ $stderr }
ex09-client-reply-on-stdout = { $reply } on stdout, exit status 0
ex09-io-failed =
    .observed = { $doing } failed: { $error }
    .expected = the server keeps the connection open while the client talks
    .why = the server must not close or reset a connection while the client is still sending

## client_reply_in_pieces

ex09-pieces-printed = the checker's server replied { $reply } in { $count } writes, { $pause } ms apart, then closed; { $command } printed { $printed } and ended with { $status }{ $stderr }
ex09-pieces-why-cut = the client printed only the start of the reply: read() returns what has arrived so far (here the first piece), not the whole reply. Read until read() returns 0, which means the server closed: read_to_end does that loop
ex09-pieces-why-other = read the reply until the server closes (read_to_end) and return all of it, unchanged; main.rs writes it to stdout

## client_binary_reply

ex09-binary-printed = { $command } got a reply of { $n } bytes (every byte value 0..=255, then sequences that are not UTF-8) and the end of the stream; it printed { $printed } and ended with { $status }; { $difference }{ $stderr }
ex09-binary-expected = the same { $n } bytes on stdout, unchanged, and exit status 0
ex09-binary-why-string = the client failed on a reply that is not UTF-8: it was read as text (read_to_string, String::from_utf8). A socket carries bytes: read the reply into a Vec<u8> (read_to_end) and return it unchanged
ex09-binary-why-lossy = the reply went through text: String::from_utf8_lossy replaced each byte that is not UTF-8 with U+FFFD (bytes ef bf bd). A socket carries bytes: return the Vec<u8> read_to_end filled, with no conversion
ex09-binary-why-other = return the reply exactly as received, byte for byte (read_to_end into a Vec<u8>); main.rs writes it to stdout

## survives_client_resets

ex09-resets-connect-failed = after { $storm }, the next client could not connect: { $error }
ex09-resets-connect-expected = the server accepts the next client
ex09-resets-connect-why = an error with one client must not stop the server: report it on stderr and accept the next
ex09-resets-wrong = after { $storm }, the next client sent { $message } and received { $got }
ex09-resets-wrong-expected = { $message } back, then the end of the stream, within { $secs } s
ex09-resets-wrong-why = an error with one client (a reset) is reported on stderr and the server goes on with the next client: perhaps the server is still stuck with a client that reset, or stopped accepting

## reports_client_errors

ex09-report-doing-send = sending a line
ex09-report-earlier = {" "}(before the reset it had printed { $printed })
ex09-report-silent = a client sent { $line }, then half a line more, and reset the connection (RST) while the server was serving it; in the { $wait } ms that followed the server printed nothing new on stderr{ $earlier }
ex09-report-expected = a message on stderr about the error with that client (for example "client 127.0.0.1:50000: Connection reset by peer (os error 104)"), and the server goes on with the next
ex09-report-why = the server's next read() (or write) on that connection failed with ConnectionReset, and the error was dropped without a word: `let _ = handle_client(stream)`, `if let Ok(..)` or `.ok()` hide it, and so does a handle_client that treats a reset as an ordinary end. Report each client's error on stderr (eprintln!), then accept the next client

## listens_on_loopback_only

ex09-loopback-wide =
    .observed = the server listens on { $address } (read from /proc/PID/net/tcp)
    .expected = 127.0.0.1:{ $port }
    .why = a server bound to 0.0.0.0 (or ::) accepts connections from every network the machine is on: bind 127.0.0.1, so only programs on this machine can connect

## echo_survives_stop_and_continue

ex09-job-control-summary = { $bytes } bytes echoed whole while the server was stopped and continued { $stops } times
ex09-job-control-not-all-sent = {" "}(the checker could not send everything)
ex09-job-control-how = the checker sent { $n } bytes and read the echo slowly, stopping and continuing the server (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) { $stops } times meanwhile{ $partial }
ex09-job-control-why-short-write = bytes are missing in the middle of the echo: a short write. A write() interrupted part-way (the process was stopped, a signal came) returns how many bytes it sent, which may be fewer than asked; the rest must still be sent. write_all does that, in a loop, and retries on Interrupted; a single write() whose count is ignored loses the rest
ex09-job-control-why-early = the echo stopped early: keep reading and writing back until read() returns 0, and finish every write (write_all); a stop and continue must change nothing
ex09-job-control-why-repeated = an echo server sends back exactly the bytes it read, each once, whatever happens to the process meanwhile: a short write must be finished, not repeated from the start
ex09-job-control-observed = { $how }; { $got } bytes came back{ $stop }; { $difference }
ex09-job-control-expected = the same { $n } bytes back, in order

## client_host_option

ex09-host-cannot-bind = 127.0.0.2 cannot be bound on this machine (it is loopback on Linux)
ex09-host-decoy = the checker's server listened on 127.0.0.2:{ $port }; { $command } connected to 127.0.0.1:{ $port } instead and printed { $printed }
ex09-host-decoy-why = --host was ignored: the client connects to (host, port) as given on the command line, TcpStream::connect((host.as_str(), port)), not to a fixed 127.0.0.1
ex09-host-other = the checker's server listened on 127.0.0.2:{ $port }; { $command } printed { $printed } and ended with { $status }{ $stderr }
ex09-host-why = the client connects to --host at --port: TcpStream::connect((host.as_str(), port)) resolves a name or reads an address
ex09-host-expected = a connection to 127.0.0.2:{ $port }, and its reply { $reply } on stdout

## client_survives_stop_and_continue

ex09-stop-client-lost = the checker's server on 127.0.0.1:{ $port } lost the client: { $error }; the client ended with { $status }{ $stderr }
ex09-stop-client-lost-expected = a connection that sends the whole message, then a half-close
ex09-stop-client-lost-why = the client connects once, writes the whole message (write_all), shuts down its sending side and reads the reply
ex09-stop-client-summary = { $bytes } bytes arrived whole while the client was stopped and continued { $stops } times
ex09-stop-client-how = the client wrote a { $size }-byte message to the checker's server, which read it slowly, 2 KiB at a time, while stopping and continuing the client (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) { $stops } times
ex09-stop-client-why-short-write = bytes of the message are missing: a short write. A write() interrupted part-way (the process was stopped, a signal came) returns how many bytes it sent, which may be fewer than asked; the rest must still be sent. write_all does that, in a loop, and retries on Interrupted; a single write() whose count is ignored loses the rest
ex09-stop-client-why-changed = the client must send the message exactly as given, whole, whatever happens to the process meanwhile: write_all, then shut down the sending side
ex09-stop-client-arrived = { $how }; { $got } bytes arrived; { $difference }
ex09-stop-client-all-bytes = all { $size } bytes of the message, unchanged
ex09-stop-client-printed = { $how }; the message arrived whole and the server replied { $reply }, but the client printed { $printed } and ended with { $status }{ $stderr }
ex09-stop-client-printed-why = read the reply until the server closes (read_to_end), whatever happened to the process meanwhile, and print it as it came

## failed_accept_is_no_reason_to_stop

ex09-accept-doing-first = sending the first client's line, before the descriptor limit was lowered
ex09-accept-doing-waiting = sending the line of the client that waited while accept failed
ex09-accept-never-failed = the server's descriptor limit was lowered to { $limit } (the number of its next descriptor), yet the next client was echoed at once: accept never failed
ex09-accept-stopped =
    .observed = once a client had been served, the server's descriptor limit was lowered to { $limit }, so that accepting the next client failed with EMFILE ("Too many open files"); within { $ms } ms { $exit }
    .expected = the server goes on: a failed accept concerns one client, and once descriptors are free again the waiting client is echoed
    .why = a failed accept is no reason to stop: accept fails when the process is out of descriptors (EMFILE) or a connection was reset before it was accepted, and the listener itself is fine. `stream?` or `stream.unwrap()` on what listener.incoming() yields returns out of serve (or panics) and ends the server; match on it instead, print the error on stderr and accept again. serve returns only if binding fails
ex09-accept-waiting-not-served =
    .observed = once a client had been served, the server's descriptor limit was lowered to { $limit } for { $ms } ms, so that accepting the next client failed with EMFILE; after the limit was restored that client, which had sent { $sent } and shut down its sending side, received { $got }, { $stop }; { $exit }
    .expected = { $sent } back once descriptors are free again
    .why = after a failed accept the server must accept again: the waiting client is still in the listening socket's queue. Perhaps the loop ends or stops accepting after an error, or the failed accept left the server stuck

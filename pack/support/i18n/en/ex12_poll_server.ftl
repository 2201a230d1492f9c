# The hidden checks of ex12_poll_server: what they say to a student (see pack/support/src/text.rs).

## serves_many_clients

ex12-client-i = client { $i }
ex12-each-sending-one-line = each sending one line
ex12-two-lines-wrong = client { $i } sent two lines on the same connection in three pieces ({ $pieces }), and received { $received }{ $stop } ({ $served } of the { $clients } clients got both lines back)
ex12-line-back-within = { $line } within { $secs } s
ex12-two-lines-why = a read returns whatever has arrived: part of a line, or a line and a half. Keep the bytes after the last newline in the connection's incoming buffer until the rest arrives, and send every complete line back
ex12-bulk-observed = a client sent { $lines } lines of 64 bytes ({ $bytes } bytes in all) without reading anything for { $deaf } ms, then read: it got back { $got } bytes
ex12-bulk-sending-stopped = its own sending stopped after { $sent } bytes: { $error }
ex12-bulk-expected = all { $bytes } bytes back, in order, within { $secs } s once the client reads
ex12-bulk-why = a client that does not read fills the server's send buffer, and then a write on a non-blocking socket takes only part of the bytes or fails with WouldBlock: a partial write, not an error. Keep what was not written in the connection's outgoing buffer, ask poll for POLLOUT, and write the rest when the socket has room (write_all on a non-blocking socket gives up halfway with WouldBlock, and the rest is lost). Stop reading from a client whose outgoing buffer is large, so that the server does not buffer without limit
ex12-client-i-of-n = client { $i } of { $n }
ex12-nothing = nothing
ex12-nothing-closed = nothing ({ $closed } connections were closed or reset)
ex12-none-served = with { $n } clients connected at once, { $doing }, none got their line back within { $secs } s; the other { $others } received { $received }
ex12-some-served = with { $n } clients connected at once, { $doing }, only { $k } ({ $ranges }) got their line back within { $secs } s (counted from 0, in the order they connected); the other { $others } received { $received }
ex12-none-served-why = the server must accept every connection and send each complete line back
ex12-one-at-a-time-why = the server handled one client at a time: while it served the first client (which stays connected), the others were never read. A poll server watches every connection in one poll call and serves whichever is ready
ex12-at-most-k-why = the server served at most { $k } clients at once: the others stayed in the listen queue or were never polled. Accept every waiting connection (accept until WouldBlock) and put every connection in the poll set; a table of fixed size (here apparently { $k } slots) leaves the rest waiting
ex12-all-served-expected = all { $n } clients get their line back within { $secs } s
ex12-cannot-clone-socket =
    .observed = the checker could not clone its socket: { $error }
    .expected = a working checker
    .why = this is a problem of the machine, not of your code

## one_thread_only

ex12-thread-per-client =
    .observed = { $during } threads in /proc/PID/task while { $clients } clients were connected ({ $at_start } when the server had just started; at most { $most } at once and { $distinct } different threads over the run, sampling every 2 ms)
    .expected = exactly 1 thread the whole time, with { $clients } clients connected
    .why = that is about a thread per client: the server starts a thread for each client (the threaded server of ex11) instead of serving every client from one poll loop. With poll, one thread asks the kernel which sockets are ready and serves each of them without waiting, so no client needs a thread of its own
ex12-several-threads =
    .observed = { $during } threads in /proc/PID/task while { $clients } clients were connected ({ $at_start } when the server had just started; at most { $most } at once and { $distinct } different threads over the run, sampling every 2 ms)
    .expected = exactly 1 thread the whole time, with { $clients } clients connected
    .why = the server runs { $most } threads: a poll server does all its work on one thread, the event loop (no pool, no helper threads, no async runtime); poll tells it which sockets are ready, so it never needs a second thread to wait
ex12-one-thread-not-all-served =
    .observed = only { $served } of the { $clients } clients connected at once got their line back within { $secs } s, so the server never had { $clients } clients to serve at once (it ran 1 thread meanwhile)
    .expected = all { $clients } clients served at once, by exactly 1 thread
    .why = this check counts the threads while the server serves 100 clients at once; the server must accept every waiting connection and keep all of them in its poll set (see serves_many_clients)

## slow_client_does_not_stall_others

ex12-the-slow-client = the slow client
ex12-fast-client-k = fast client { $k }
ex12-slow-reply-came = its reply came { $after_sent } ms after it was sent, { $after_slow } ms after the slow client's last byte
ex12-slow-no-reply = no reply came even after the slow client's line was complete ({ $stop })
ex12-another-client = another client
ex12-another-fast-client = another client (fast client { $k }; the { $k } before it had been answered at once)
ex12-slow-client-blocks =
    .observed = while a slow client was sending its line { $slow_line } one byte every { $pause } ms (about { $slow_sent } of its { $slow_bytes } bytes sent), { $who } sent { $sent } and got no reply within { $within } ms; { $came }
    .expected = every other client's line back within { $within } ms while the slow client sends
    .why = the server waited inside a blocking read on the slow client's connection (read_line, read_exact, or a read on a socket left in blocking mode) until that client's line was complete, and served nobody meanwhile. In a poll loop a readable socket gets one non-blocking read of whatever has arrived (maybe one byte); the unfinished line waits in the connection's incoming buffer, and the loop goes back to poll
ex12-slow-could-not-send = the slow client could not send its line one byte at a time: { $error }
ex12-slow-could-not-send-expected = the connection stays open while the client sends
ex12-slow-could-not-send-why = a client may send its line in pieces as small as one byte, as slowly as it likes: the server keeps the connection and the bytes received so far
ex12-the-slow-client-one-byte-at-a-time = the slow client (one byte at a time)

## slow_reader_does_not_stall_others

ex12-deaf-memory-grows =
    .observed = a client sent { $sent_mib } MiB of lines without reading any of its echo, and the server's resident memory grew by { $grown_mib } MiB meanwhile (VmRSS in /proc/PID/status)
    .expected = the server stops reading a connection whose `outgoing` holds MAX_PENDING ({ $max_pending_mib } MiB) or more, so its memory grows by about that much at most
    .why = the server keeps reading from a client that does not read its replies, and buffers without limit. Perhaps interest() asks for POLLIN whatever `outgoing` holds: ask for POLLIN only while `outgoing` is under MAX_PENDING
ex12-deaf-blocks-others-why = the server seems to wait for the client that does not read. Perhaps it writes each echo until all of it is sent (write_all, a loop until `outgoing` is empty, or a socket left in blocking mode), which waits as long as that client does not read; or it keeps reading and writing one connection until it has nothing more to do. Write only what the socket takes, keep the rest in `outgoing`, ask for POLLOUT, and go back to poll
ex12-deaf-reads-back-why = keep what the socket did not take in `outgoing` (remove only what a write took) and send the rest when poll reports POLLOUT: nothing may be dropped or sent twice
ex12-slow-reader-situation = while clients that do not read their echo were connected (one that closed its sending side with most of its echo still to send, then one that sent until its writes stalled), and others came and went
ex12-half-closed-blocks-others-why = the server seems to wait for the client that closed its sending side. Perhaps at the end of the file it sends what is left in `outgoing` in one go (the socket switched back to blocking mode, write_all, or a loop until `outgoing` is empty), which waits as long as that client does not read. At the end of the file only set peer_closed and move the unfinished rest to `outgoing`: poll reports POLLOUT as the client takes the echo, and the connection is dropped once `outgoing` is empty
ex12-half-closed-big = a client sent { $kib } KiB of lines and then { $rest } without a newline, reading nothing, and closed its sending side; once it read, every line came back, and then { $what }
ex12-half-closed-big-expected = { $rest } back after the lines, then the end of the stream (the server closes the connection once everything is sent)
ex12-waits-measured = the server's thread looked at { $looks } times ({ $readable } looks could see its system call): asleep in I/O on a socket { $blocked } times
ex12-waits-outside-poll =
    .observed = { $situation }, the server's thread, looked at every 2 ms ({ $looks } looks), was seen asleep in { $seen }: every client got its reply in time, but the loop waited on one connection
    .expected = the event loop sleeps only in poll: every socket is non-blocking, so a read, write or accept that cannot go on at once returns WouldBlock without waiting
    .why = something in the loop waits for one client. Perhaps a socket was switched to blocking mode (set_nonblocking(false)) or given a read timeout to wait for the rest of a line, perhaps a BufReader's read_line or read_exact waits for a whole line, or write_all waits until everything is sent. Read and write only what is there now, keep partial lines in `incoming` and the unsent rest in `outgoing`, and let poll say when there is more

## a_reset_client_is_dropped_alone

ex12-a-client-that-stays = a client that stays
ex12-the-client-that-stayed = the client that stayed
ex12-stayed-not-served = after { $storm }, a client that stayed connected sent { $sent } and received { $received }, { $stop }
ex12-stayed-not-served-expected = its line back within { $secs } s
ex12-stayed-not-served-why = a reset connection must be dropped from the poll set: perhaps the server keeps polling it and fails, or stops serving everyone else after the error
ex12-a-client-that-connects-after-the-resets = a client that connects after the resets

## idle_server_sleeps_and_lets_go_of_connections

ex12-half-closed-got-eof = { $extra } back, then the end of the stream
ex12-half-closed-got-reset = { $extra } back, then a reset
ex12-half-closed-stayed-open = { $extra } back, but the connection stayed open for { $secs } s
ex12-half-closed-got-error = { $extra } back, then an error: { $error }
ex12-slow-client-situation = while one client sent its line one byte every 100 ms and five others came one after another
ex12-half-closed = a client sent "no newline" without a newline and closed its side; it got { $what }
ex12-half-closed-expected = "no newline" back, then the end of the stream (the server closes the connection)
ex12-half-closed-why = when a read returns 0 bytes the client has closed its side: send the unfinished rest back, then drop the connection once `outgoing` is empty
ex12-idle-situation = with 9 clients connected and nothing to send or receive (one of them half-closed after sending more lines than the sockets can hold, and not reading their echo: the rest of it waits in the server until the client reads)
ex12-idle-spins-why = the server's loop keeps running while nothing happens. Perhaps interest() asks for POLLOUT when `outgoing` is empty (a socket is almost always writable, so poll returns at once), or keeps asking for POLLIN after the client closed (end of stream is always readable), or poll is called with a zero timeout
ex12-idle-polls-why = the server wakes up again and again with nothing to do: perhaps poll has a timeout (even a second "so the loop never hangs" is one), or the loop sleeps and looks again. Let poll wait with no timeout (PollTimeout::NONE): it returns when a socket is ready
ex12-descriptors-kept = the server had { $baseline } descriptors open before 10 clients came and { $before_leaving } with 9 of them connected; { $secs } s after the last one left it still had { $now }
ex12-descriptors-kept-expected = { $baseline } descriptors again once every client has gone
ex12-descriptors-kept-why = a connection whose client closed (a read returned 0 bytes and everything was sent) or failed (a write to a client that left without reading its echo fails) must be dropped, which closes its socket; perhaps finished connections stay in the server's list, or their sockets are kept elsewhere

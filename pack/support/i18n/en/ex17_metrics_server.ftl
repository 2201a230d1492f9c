# The hidden checks of ex17_metrics_server: what they say to a student (see pack/support/src/text.rs).

## shared by the checks: one request and its reply

ex17-no-reply-closed =
    .observed = { $who } sent { $request } and { $what }
    .expected = one whole reply, ending with an empty line, within { $secs } s
    .why = the server closed the connection: a client keeps its connection open across requests, and only the client ends it
ex17-no-reply =
    .observed = { $who } sent { $request } and { $what }
    .expected = one whole reply, ending with an empty line, within { $secs } s
    .why = every request gets its reply at once; every reply ends with an empty line (`ok\n\n`, or `ok\n` + lines + `\n`)
ex17-reply-never-ends =
    .observed = { $who } sent { $request } and { $what }
    .expected = one whole reply, ending with an empty line, within { $secs } s
    .why = every reply ends with an empty line: the client reads until it, so a reply without it never ends
ex17-put-why = a valid put is answered with exactly `ok\n\n`
ex17-wrong-reply =
    .observed = { $who } sent { $request } and received { $got }{ $diff }
    .expected = exactly { $expected }
    .why = { $why }
ex17-samples-expected = { $reply } (values may be written any way that reads as the same number)
ex17-error-reply-to-get =
    .observed = { $who } sent { $request } and received the error reply { $got }
    .expected = { $expected }
    .why = this is a valid request: `get <key>` with exactly one key, answered with `ok` and the key's measurements
ex17-reply-format-why = a reply with data is `ok\n`, then one line `<key> <value> <timestamp>\n` per measurement (single spaces, the timestamp as an integer), then `\n`
ex17-unparsable-reply =
    .observed = { $who } sent { $request } and received { $got }: { $wrong }
    .expected = { $expected }
    .why = { $why }
ex17-wrong-samples =
    .observed = { $who } sent { $request } and received { $got } ({ $samples })
    .expected = { $expected }
    .why = { $why }
ex17-swapped-why = the value and the timestamp are swapped: every line is `<key> <value> <timestamp>`, in that order
ex17-nothing = nothing
ex17-who-client = a client
ex17-who-client-n = client { $n }

## protocol_byte_for_byte

ex17-get-format-why = a get is answered with `ok\n`, one `<key> <value> <timestamp>\n` line per measurement, then `\n`
ex17-unknown-key-why = a get of a key that was never put is a success without data: exactly `ok\n\n`, not an error
ex17-ten-is-float-why = 10 is a float too: a valid put
ex17-exponent-is-float-why = -1.5e3 is a float too: a valid put
ex17-wide-put-why = a valid put: the timestamp is an integer (an i64: 4102444800 is in the year 2100, past what 32 bits hold) and the value a float
ex17-every-digit-why = the value comes back as the very number that was put, every digit of it (Display of an f64 prints the shortest text that reads back as the same number; a fixed number of decimals changes it), with the timestamp as it was given
ex17-values-are-numbers-why = values are numbers: the reply writes each value so that it reads back as the number that was put (10, -1500)
ex17-get-all-why = `get *` returns the measurements of every key (the keys in any order, each key's lines together and sorted by timestamp)

## malformed_requests_answered

ex17-case-empty-line = an empty line
ex17-case-put-empty-key = put with an empty key (two spaces after put)
ex17-case-get-empty-key = get with an empty key
ex17-case-tab-in-key = a key with a tab in it (a key is one word)
ex17-case-trailing-space = a space after the last word
ex17-case-leading-space = a space before the command
ex17-case-only-spaces = a line of spaces only
ex17-case-unknown-command = an unknown command
ex17-case-uppercase-command = an unknown command (commands are lowercase)
ex17-case-put-two-arguments = put with 2 arguments instead of 3
ex17-case-put-four-arguments = put with 4 arguments
ex17-case-get-without-key = get without a key
ex17-case-get-two-keys = get with 2 keys
ex17-case-value-not-float = a value that is not a float
ex17-case-ts-not-integer = a timestamp that is not an integer
ex17-case-not-utf8-key = bytes that are not UTF-8 (in the key)
ex17-case-not-utf8 = bytes that are not UTF-8
ex17-connection-unusable =
    .observed = after the error reply to { $previous }, the same connection could not be used: { $request } ({ $what }) { $stop }
    .expected = { $error_reply } again on the same connection
    .why = an error never closes the connection: the server answers `error\nwrong command\n\n` and goes on reading the next request from the same client. Answer, then continue the loop; do not return (or break) from the connection's task after an error
ex17-who-client-case = a client ({ $what })
ex17-malformed-answered =
    .observed = { $request } ({ $what }) was answered with { $got }
    .expected = exactly { $error_reply }
    .why = { $why }
ex17-who-same-client-after = after the 14 malformed requests, the same client
ex17-malformed-changes-nothing-why = a malformed request changes nothing: only the valid `put k1 1.5 1` is stored
ex17-who-new-client-after = a new client, after the malformed requests
ex17-error-never-stops-why = an error never stops the server: other clients are served as before
ex17-why-empty-line = an empty line is not a request
ex17-why-commands = only `put` and `get` (lowercase) are commands
ex17-why-word-count = a request has exactly its words: `put <key> <value> <timestamp>` (4 words), `get <key>` (2 words); match on the whole list of words, not on the first ones
ex17-why-value-float = the value must parse as a float (str::parse::<f64>), or the request is malformed
ex17-why-ts-integer = the timestamp must parse as an integer (str::parse::<i64>), or the request is malformed
ex17-why-key-one-word = a key is one word: not empty, and without whitespace in it (words are separated by exactly one space, so two spaces make an empty word, and a tab stays inside a word): check it, or the request is malformed
ex17-why-stray-space = words are separated by exactly one space, so a space at the start or the end of the line makes an empty word: the request has the wrong words and is malformed. Trimming the line, or splitting with split_whitespace, accepts it: split on ' ' and check every word
ex17-why-not-utf8 = bytes that are not UTF-8 are a malformed request: check with std::str::from_utf8 and answer the error, rather than failing the connection (AsyncBufReadExt::lines() returns an error there: use read_until(b'\n'))
ex17-malformed-why = { $why }; every malformed request is answered with exactly `error\nwrong command\n\n`

## duplicate_timestamp_overwrites, sorted_by_timestamp

ex17-duplicate-appended =
    .observed = after `put d 1.0 10`, `put d 2.0 10` and `put d 3.0 20`, `get d` returned { $samples } ({ $at_10 } lines for timestamp 10)
    .expected = { $want } (values compared as numbers)
    .why = the second put at timestamp 10 was appended instead of replacing the first: a key and a timestamp identify one measurement, and putting it again overwrites its value. A map from timestamp to value (BTreeMap<i64, f64>) does that by itself
ex17-overwrite-why = the same key and timestamp again overwrites the value: one line per timestamp, with the last value put
ex17-other-key-why = the same timestamp under another key is another measurement
ex17-sorted-why = within a key, lines are sorted by ascending timestamp, whatever the order of the puts: the lines came out in the order they were put, not sorted. Keep each key's measurements in a map ordered by timestamp (BTreeMap<i64, f64>), or sort before answering

## pipelined_and_split_requests

ex17-send-failed =
    .observed = sending { $request } failed: { $error }
    .expected = the server reads it
    .why = the server must be reading
ex17-then = , then { $what }
ex17-pipelined-observed = 4 requests sent in one write ({ $request }) got { $n } { $n ->
        [one] reply
       *[other] replies
    }{ $shown }{ $tail }
ex17-pipelined-expected = 4 replies, in order: { $expected }
ex17-pipelined-one-reply-why = 1 reply for 4 requests: the server treated what one read() returned as one request. Several requests may arrive in one read: split what arrives into lines (read_until(b'\n') on a BufReader does it) and answer each line
ex17-pipelined-why = several requests may arrive in one read: every line is a request of its own and gets its own reply, in order
ex17-send-split-failed =
    .observed = sending { $request } byte by byte failed: { $error }
    .expected = the server reads it
    .why = the server must be reading
ex17-split-why = one request may arrive over several reads: keep what has arrived until its \n comes, then answer (read_until(b'\n') keeps reading until the end of the line); never answer a piece of a line
ex17-split-answered-wrong =
    .observed = { $request } sent one byte at a time ({ $ms } ms apart) was answered with { $got }
    .expected = exactly { $ok }
    .why = { $why }
ex17-who-byte-by-byte = a client sending one byte at a time
ex17-send-two-writes-failed =
    .observed = sending { $request } in two writes failed: { $error }
    .expected = the server reads it
    .why = the server must be reading
ex17-who-two-writes = a client (two requests over two writes)
ex17-partial-next-holds-reply =
    .observed = a client wrote { $piece } (a whole request and the start of the next one) and waited for the first reply before sending the rest: none came within { $secs } s ({ $stop })
    .expected = the reply to `get s`, at once: a whole request is answered whatever follows it
    .why = the reply waited for more input: perhaps it stays in a BufWriter that is flushed only when nothing at all is buffered from the client, and the start of the next request is. A client may wait for a reply before it finishes its next request: flush unless another whole request (a line with its \n) is already waiting
ex17-split-twice-wrong =
    .observed = `get s\n` twice, written as { $piece } then { $rest }: reply { $n } was { $got }
    .expected = { $want } twice
    .why = { $why }

## clients_share_one_store

ex17-who-client-both = client { $n } (both clients connected)
ex17-one-at-a-time-why = client 2 got no reply while client 1 stayed connected: the server serves one connection at a time (it awaits the whole conversation with one client before accepting the next). tokio::spawn a task per accepted connection, so that every client is served at once
ex17-get-all-unparsable =
    .observed = { $who } sent `get *\n` and received { $got }{ $wrong }
    .expected = { $want }
    .why = a reply with data is `ok\n`, one `<key> <value> <timestamp>\n` line per measurement, then `\n`
ex17-store-per-connection =
    .observed = after the lecture's interleaved puts, client { $n }'s `get *` returned { $got }
    .expected = { $want }
    .why = client 1 saw only the measurements it put itself: each connection has a store of its own. There is one store for the whole server, created once before the accept loop and shared by every connection's task (an Arc<Mutex<..>> cloned into each task)
ex17-store-wrong =
    .observed = after the lecture's interleaved puts, client { $n }'s `get *` returned { $got }
    .expected = { $want }
    .why = every client sees one store, whoever put the measurements; the same key and timestamp again overwrites (k2 at 5 is 41, not 40), and each key's lines are sorted by timestamp
ex17-k3-never-put-why = k3 was never put: `ok\n\n`

## descriptors_stay_flat

ex17-load-expected-one = the client gets its { $requests } replies right within { $secs } s
ex17-load-expected-many = every one of the { $clients } clients, all connected at once, gets its { $requests } replies right within { $secs } s
ex17-load-not-connected = { $situation }: only { $connected } of { $clients } clients could connect ({ $error })
ex17-keep-accepting-why = the server must keep accepting connections
ex17-load-errors = { $situation }: { $count } client(s) got a wrong reply or lost the connection; the first: { $first }
ex17-load-errors-why = every request gets its right reply, whatever the other clients do: one store shared safely, one reply per request, the connection kept open
ex17-load-unanswered = { $situation }: after { $secs } s, { $answered } of { $expected } requests were answered; { $never } of the { $clients } clients got no reply at all, { $done } got all of theirs (every client stayed connected)
ex17-load-limited-why = some clients were served and the others waited: the server serves only a limited number of connections at once (one at a time, or a fixed number of tasks or permits). Spawn a task for every accepted connection, with no limit below the number of clients
ex17-load-blocked-why = every client connected at once must be served at once: a task per connection, and nothing that blocks the runtime's threads (std::thread::sleep, a blocking read, a lock held across an .await)
ex17-situation-warming-up = warming up
ex17-situation-round = connect/disconnect round { $round } of { $rounds }
ex17-cycles-measured = { $cycles } connect/disconnect cycles ({ $rounds } rounds of { $clients } clients, 2 requests each) in { $took_ms } ms; open descriptors: { $baseline } before, { $after } after
ex17-descriptors-leak = the server had { $baseline } descriptors open before { $cycles } clients came and went, and still { $after } ({ $delta }, { $sockets } of them sockets) { $secs } s after the last one left; its sockets known to TCP: { $states }
ex17-descriptors-expected = about { $baseline } descriptors once the clients have left
ex17-close-wait-why = { $close_wait } sockets are in CLOSE_WAIT: their client has closed, but the server still holds them open. Something keeps each accepted stream alive after its client left (a Vec of streams, a clone, a task that never ends): the connection's task must own its stream and end when read_until returns 0, which drops (closes) it
ex17-descriptor-copy-why = every client left a descriptor open in the server: its connection was shut down, but a copy of the socket is kept somewhere (a Vec of streams, a try_clone, an into_std that is never dropped), so the descriptor is never closed. The connection's task must be the only owner of its stream, and drop it when read_until returns 0

## latency_under_load

ex17-situation-alone = one client alone
ex17-load-measured = { $clients } clients at once, { $requests } requests each (put and get, one at a time): { $summary }
ex17-alone-measured = one client alone: latency p50 { $p50 }; the machine woke sleeping threads up to { $late_ms } ms late during the load
ex17-situation-load = { $clients } clients connected at once, { $requests } requests each

## failed_accept_is_no_reason_to_stop (the scenario is pack_support::accept's)

ex17-who-first = the first client
ex17-stopped-by-accept-why = a failed accept is no reason to stop: accept fails when the process is out of descriptors (EMFILE) or a connection was reset before it was accepted, and the listener itself is fine, so serve goes on accepting clients forever. `listener.accept().await.unwrap()` (a panic), or a return or break on the error, ends serve and with it the server and every client's task; match on it instead, report it on stderr, pause a moment (tokio::time::sleep for 10 ms, say, so that a full descriptor table does not make the loop spin) and accept again
ex17-waiting-not-served-why = after a failed accept the server must go on accepting: the client that waited in the listen queue is accepted as soon as a descriptor is free. Perhaps the accept loop ended (break or return on the error) while the connections' tasks kept running

## slow_reader_does_not_stall_others

ex17-who-beside-deaf = client { $k } beside the one that does not read
ex17-stalled-by-deaf =
    .observed = one client sent { $kib } KiB of requests and read none of the replies, until its writes stalled (its task then waits in a write); then { $who } sent { $request } and { $what } within { $ms } ms
    .expected = its reply within { $ms } ms, whether or not another client reads its replies
    .why = the other clients wait for the one that does not read: its task holds something they all need while it waits in a write. Perhaps a lock (the store's, or one taken to send replies one at a time) is held across an .await: a tokio::sync::Mutex guard kept while write_all(...).await or flush().await waits. Take the lock, copy out what the reply needs, release it, then write

## idle_server_sleeps

ex17-idle-situation = with 10 clients connected and nothing to send or receive
ex17-idle-spins = the server keeps a thread running while nothing happens: a loop that tries again at once (a nonblocking accept or read in a loop with tokio::task::yield_now(), or a select! with a branch that is always ready). `.await` on accept and on reads gives the thread back to the runtime, which sleeps in epoll until a socket is ready
ex17-idle-polls = the server wakes up again and again (more than once a second) with nothing to do: a loop that sleeps a little and looks again (tokio::time::sleep or interval around a try_ call, or a read with a short timeout). Await accept and reads: the runtime wakes the task when its socket is ready

## large_reply_arrives_whole

ex17-who-filler = a client putting 20,000 measurements in batches of 1,000
ex17-batch-put-wrong =
    .observed = a put of the batch was answered with { $got }
    .expected = exactly { $ok }
    .why = a valid put is answered with exactly `ok\n\n`
ex17-who-small-buffer = a client reading through a small receive buffer
ex17-large-measured = a reply of { $bytes } bytes (20,000 lines) arrived whole through a 16 KiB receive buffer and 536-byte segments
ex17-large-reply-cut =
    .observed = after 20,000 puts of `big`, `get big` on a connection with a 16 KiB receive buffer and 536-byte segments was answered with { $bytes } bytes holding { $count } measurement lines (or lines that differ), ending { $ending }
    .expected = `ok`, the 20,000 lines in timestamp order, then the empty line, within 10 s
    .why = a reply larger than the socket's buffer is written in many pieces: AsyncWriteExt::write (or a write straight to the stream) returns as soon as part of it was written, and the rest is lost unless written too. Use write_all, which goes on until every byte is written; with a BufWriter, a reply larger than its buffer goes straight to the socket, so the same holds

# The hidden checks of ex16_metrics_client: what they say to a student (see pack/support/src/text.rs).

## shared by the checks: the student's client on a thread of its own

ex16-call-panicked-todo =
    .observed = { $what } panicked: { $text }
    .expected = { $what } returns
    .why = a todo!() is still in the code: write the function it is in
ex16-call-panicked =
    .observed = { $what } panicked: { $text }
    .expected = { $what } returns
    .why = a client returns a ClientError for whatever the network or the server does; it never panics
ex16-call-hangs =
    .observed = { $what } had not returned after { $watchdog_ms } ms (the client's timeout is { $timeout_ms } ms or less)
    .expected = { $what } returns within the client's timeout
    .why = every call must end: the socket needs read and write timeouts (set_read_timeout), and a read that returns 0 bytes means the server closed the connection, which ends the reply with an error, not a loop that reads again
ex16-call-ended =
    .observed = { $what } did not report back
    .expected = { $what } returns
    .why = the client's thread ended early
ex16-new-failed =
    .observed = Client::new("127.0.0.1", { $port }, { $timeout }) returned Err({ $error }) while a server listened there
    .expected = Ok(client): the connection is made
    .why = Client::new connects to (host, port) with TcpStream::connect_timeout and keeps the stream

## request_bytes

ex16-nothing-more = nothing more at all
ex16-only-without-newline = only { $bytes } without \n
ex16-call-returned-err = ; the call returned Err({ $error })
ex16-no-request-line =
    .observed = after { $call } the server had received no complete request line for it ({ $tail }{ $returned })
    .expected = { $expected }
    .why = every request is one line that ends with \n: the server reads up to the \n and answers only then
ex16-wrong-request =
    .observed = for { $call } the client sent { $sent }
    .expected = { $expected }
    .why = { $why }
ex16-ok-returned-err =
    .observed = { $call } sent the right line, the server answered `ok\n\n`, and the call returned Err({ $error })
    .expected = Ok: `ok\n\n` is the server's success without data
    .why = a put succeeds on `ok\n\n`; a get of a key the server does not know gets `ok\n\n` too and returns an empty map
ex16-expect-exact = exactly { $bytes }
ex16-expect-put = "put { $key } { $value } { $ts }\n" (the value written any way that reads as { $value })
ex16-expect-put-now = "put { $key } { $value } <now>\n", <now> being the current Unix time in seconds
ex16-why-swapped = the value and the timestamp are swapped: the protocol's order is put <key> <value> <timestamp>
ex16-why-line-end = every request is one line that ends with \n (and nothing after it)
ex16-why-single-spaces = a request is the command and its arguments separated by single spaces, ending with \n: nothing more, nothing less
ex16-why-four-words = a put is exactly four words separated by single spaces, `put <key> <value> <timestamp>`, then \n
ex16-why-one-line = a put is one line: `put <key> <value> <timestamp>\n`
ex16-why-key-as-given = the key is sent as it was given, { $key }
ex16-why-value-same = the value must read back as the same number, { $value }: write it with {"{"}{"}"} (f64's Display), not rounded
ex16-why-value-number = the value must be written as a number ({ $value })
ex16-why-ts-integer = the timestamp is an integer, written in decimal digits
ex16-why-ts-given = the timestamp is the one given, { $ts }
ex16-why-ts-now = a put without a timestamp uses the current time in whole seconds since 1970 (it was { $before } when the call started), as SystemTime::now().duration_since(UNIX_EPOCH) gives it; { $t } is not that
ex16-why-ts-now-millis = a put without a timestamp uses the current time in whole seconds since 1970 (it was { $before } when the call started), as SystemTime::now().duration_since(UNIX_EPOCH) gives it; { $t } is not that (milliseconds?)

## get_parses_reply, replies_byte_by_byte

ex16-ok-empty-is-put-success = `ok\n\n` is the reply to a successful put
ex16-put-rejected =
    .observed = put("k1", 0.25, Some(1)) returned Err({ $error }) for the reply `ok\n\n` { $how }
    .expected = Ok(())
    .why = { $why }
ex16-get-returned-ok = { $call } returned Ok({ $metrics }) for the reply { $reply } { $how }
ex16-get-returned-err = { $call } returned Err({ $error }) for the reply { $reply } { $how }
ex16-why-sort = each key's measurements must be sorted by timestamp: the server may send the lines in any order, and the client sorts them (sort_by_key on the timestamp)
ex16-why-parse-lines = every line `<key> <value> <timestamp>` of the reply is one measurement, grouped by key; values are numbers (30, 41.0 and -1.5e3 are floats), timestamps integers
ex16-why-valid-reply = this reply follows the protocol: `ok`, one line per measurement, then an empty line; every field parses (value as f64, timestamp as i64)
ex16-how-whole = (sent in one piece)
ex16-how-byte-by-byte = sent one byte at a time, { $ms } ms apart
ex16-why-stream = TCP is a stream: one read() returns whatever has arrived, here a single byte. The client must keep reading until the empty line that ends the reply has arrived (BufReader::read_until(b'\n') in a loop, until a line is empty), never parse what one read() returned

## malformed_replies_rejected

ex16-case-error-to-put = the error reply, to a put
ex16-case-measurements-to-put = measurements, to a put (which gets `ok` alone)
ex16-case-unknown-first-line = a first line that is neither ok nor error, to a put
ex16-case-error-to-get = the error reply, to a get
ex16-case-not-a-line = a line that is not <key> <value> <timestamp>
ex16-case-value-not-number = a value that is not a number
ex16-case-ts-not-integer = a timestamp that is not an integer
ex16-case-swapped = the value and the timestamp swapped
ex16-case-two-spaces = fields separated by two spaces
ex16-case-tabs = fields separated by tabs
ex16-case-no-empty-line = no final empty line: the server closes after the last line
ex16-case-no-reply = no reply at all: the server closes the connection
ex16-reply-then-closed = { $reply } then the connection closed
ex16-accepted-entry = { $call } returned { $returned } for { $shown } ({ $what })
ex16-malformed-accepted =
    .observed = { $count } of { $total } malformed replies were accepted: { $list }
    .expected = Err(ClientError) for every one of them
    .why = { $why }
ex16-with-the-reply = with the reply { $shown }: { $observed }
ex16-why-error-reply = `error` is the server saying the request failed: put and get return Err(ClientError::Server(message)), never Ok
ex16-why-not-a-line = `blablabla` is not a measurement line: every line between `ok` and the empty line must be exactly <key> <value> <timestamp>; a line that does not parse is an error, never skipped
ex16-why-value-parse = the value must parse as a number (str::parse::<f64>); a value that does not is an error, not a 0 or a skipped line
ex16-why-ts-parse = the timestamp must parse as an integer (str::parse::<i64>): 0.5 or 1.5 is not a timestamp, so the line is malformed (here the fields may be swapped)
ex16-why-one-space = the fields of a measurement line are separated by exactly one space, as in the requests (split(' '), not split_whitespace): `k1  0.5 1` has an empty field, and a tab is not a separator
ex16-why-incomplete = a reply ends with its empty line: when the connection closes (read returns 0 bytes) before it, the reply is incomplete and the call fails
ex16-malformed-why = { $why }. A client trusts nothing it receives: anything the protocol does not allow is a ClientError

## one_connection_per_session

ex16-session-call-err =
    .observed = { $call } returned Err({ $error }) while the server answered every request correctly
    .expected = Ok for each of the 3 requests
    .why = put gets `ok\n\n`, get gets `ok\nk 1 1\n\n`: both are valid replies
ex16-no-request = no request
ex16-connection-requests = connection { $n }: { $requests }
ex16-many-connections =
    .observed = { $count } connections for 3 requests ({ $per })
    .expected = 1 connection, opened by Client::new, carrying all 3 requests
    .why = a session is one connection: Client::new connects once and keeps the TcpStream in the Client; put and get write to that stream. A connection per request costs a TCP handshake each time and makes the server see a new client each time
ex16-new-did-not-connect =
    .observed = Client::new returned without connecting: the connection was opened only by the first request
    .expected = Client::new connects (so that an unreachable server is reported by new)
    .why = Client::new(host, port, timeout) returns Result: its job is to connect, and a refused or unreachable server must be its error

## timeout_honoured

ex16-summary-new-failed = Client::new failed
ex16-timeout-summary = get gave up after { $took_ms } ms (timeout { $timeout_ms } ms; the machine woke threads up to { $late_ms } ms late)
ex16-timeout-early =
    .observed = against a server that accepts and never answers, get("k") returned Err({ $error }) after { $took_ms } ms, with a timeout of { $timeout_ms } ms
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = the client gave up before its timeout: the read timeout is the timeout given to Client::new, unchanged (Duration, not divided, not a fixed value)
ex16-timeout-late-busy = get returned Err({ $error }) late, but the machine itself was { $late_ms } ms late
ex16-timeout-late =
    .observed = against a server that accepts and never answers, get("k") returned Err({ $error }) only after { $took_ms } ms, with a timeout of { $timeout_ms } ms
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = the timeout given to Client::new is the longest the client waits for the server: set it as the socket's read timeout (set_read_timeout(Some(timeout))), once, not a longer or repeated wait
ex16-timeout-ok =
    .observed = against a server that never answers, get("k") returned Ok({ $metrics }) after { $took_ms } ms
    .expected = Err(ClientError): no reply came
    .why = no reply is not an empty reply: a read that times out fails (ErrorKind::WouldBlock or TimedOut) and that error is the call's result
ex16-timeout-hangs =
    .observed = against a server that accepts and never answers, get("k") had not returned after { $limit_ms } ms, with a timeout of { $timeout_ms } ms
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = without a read timeout, read() waits forever for a server that never answers. Client::new must call set_read_timeout(Some(timeout)) (and set_write_timeout) on the stream, so that the read fails once the timeout has passed
ex16-timeout-panicked =
    .observed = get("k") panicked: { $text }
    .expected = Err(ClientError) after the timeout
    .why = a client returns errors; it never panics
ex16-timeout-thread-ended =
    .observed = the client's thread ended without an answer
    .expected = Err(ClientError) after the timeout
    .why = the client's thread ended early

## connect_timeout

ex16-connect-situation = the server at 127.0.0.1:{ $port } never answered the connection attempt (its queue was full, so the system dropped the SYN, as for a machine that is down)
ex16-connect-summary = Client::new returned after { $took_ms } ms (timeout { $timeout_ms } ms; the machine woke threads up to { $late_ms } ms late)
ex16-connect-early =
    .observed = { $situation }; { $what } returned Err({ $error }) after { $took_ms } ms
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = the client gave up connecting before its timeout: connect with TcpStream::connect_timeout(&addr, timeout), the timeout given to Client::new, unchanged
ex16-connect-late-busy = Client::new returned Err({ $error }) late, but the machine itself was { $late_ms } ms late
ex16-connect-late =
    .observed = { $situation }; { $what } returned Err({ $error }), but it gave up connecting only after { $took_ms } ms
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = the timeout given to Client::new is the longest it waits for the server to answer: TcpStream::connect_timeout(&addr, timeout) with that timeout, not a fixed or longer one
ex16-connect-ok =
    .observed = { $situation }; { $what } returned Ok after { $took_ms } ms
    .expected = Err(ClientError): no connection was made
    .why = Client::new connects, and a connection nobody answers is its error: a session must not start without a connection
ex16-connect-hangs =
    .observed = { $situation }; { $what } had not returned after { $limit_ms } ms
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = TcpStream::connect waits for the system's own limit when nobody answers (about two minutes on Linux): connect with TcpStream::connect_timeout(&addr, timeout) for each address of (host, port).to_socket_addrs()
ex16-connect-panicked =
    .observed = { $what } panicked: { $text }
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = a client returns a ClientError when it cannot connect; it never panics
ex16-connect-ended =
    .observed = { $what } did not report back
    .expected = Err(ClientError) after { $lo_ms }-{ $hi_ms } ms (the timeout ± 20%)
    .why = the client's thread ended early

## write_timeout

ex16-long-key = <a key of { $bytes } bytes>
ex16-deaf-situation = the server at 127.0.0.1:{ $port } accepted the connection and never read anything, so the buffers were full after a few tens of kilobytes
ex16-new-returned-err = Client::new returned Err({ $error })
ex16-write-expected = Err(ClientError) { $lo_ms }-{ $hi_ms } ms after the last bytes got through (the failing write waits the timeout, { $timeout_ms } ms, and began at most one timeout after them)
ex16-write-new-failed =
    .observed = { $error } while a server listened on 127.0.0.1:{ $port }
    .expected = Ok(client): the connection is made
    .why = Client::new connects to (host, port) with TcpStream::connect_timeout and keeps the stream
ex16-write-hangs =
    .observed = { $situation }; { $what }, with a timeout of { $timeout_ms } ms, had not returned after { $limit_ms } ms (the last bytes got through { $grew_ms } ms after the call)
    .expected = { $expected }
    .why = without a write timeout, write() waits forever for a server that reads nothing (its receive buffer and the client's send buffer are full). Client::new must call set_write_timeout(Some(timeout)) as well as set_read_timeout on the stream, so that a write that cannot go on fails once the timeout has passed
ex16-write-panicked =
    .observed = { $what } panicked: { $text }
    .expected = { $expected }
    .why = a client returns errors; it never panics
ex16-write-ended =
    .observed = { $what } did not report back
    .expected = { $expected }
    .why = the client's thread ended early
ex16-socket-not-found = the client's socket could not be found in /proc/net/tcp
ex16-summary-no-progress = no progress observed
ex16-write-summary = the put returned { $result } { $total_ms } ms after it started and { $quiet_ms } ms after its last bytes got through ({ $written } bytes in all; timeout { $timeout_ms } ms; the machine woke threads up to { $late_ms } ms late)
ex16-write-fitted = the whole request fitted in this machine's socket buffers ({ $summary })
ex16-write-ok =
    .observed = { $situation }; { $what } returned Ok ({ $written } of its bytes got through)
    .expected = Err(ClientError): the request could not even be sent
    .why = the server read nothing and answered nothing: a put succeeds only on `ok\n\n`; a write that fails (WouldBlock after the write timeout) is the call's error
ex16-write-early =
    .observed = { $situation }; { $what } returned Err({ $error }) { $quiet_ms } ms after its last bytes got through, with a timeout of { $timeout_ms } ms
    .expected = { $expected }
    .why = the client gave up writing before its timeout: the write timeout is the timeout given to Client::new (set_write_timeout(Some(timeout))), unchanged
ex16-write-late-busy = the put returned Err({ $error }) late, but the machine itself was { $late_ms } ms late
ex16-write-late =
    .observed = { $situation }; { $what } returned Err({ $error }) only { $quiet_ms } ms after its last bytes got through, with a timeout of { $timeout_ms } ms
    .expected = { $expected }
    .why = each write may wait at most the timeout given to Client::new: set it as the socket's write timeout (set_write_timeout(Some(timeout))), not a fixed or longer one, and do not retry a write that timed out

## long_request_sent_whole

ex16-no-connection =
    .observed = { $what }: no connection
    .expected = one connection
    .why = Client::new connects
ex16-late-reader-situation = the server began reading { $began_ms } ms after accepting the connection (the client's timeout is { $timeout_ms } ms), through small buffers
ex16-late-reader-summary = { $situation }; the put returned { $result }
ex16-late-reader-garbled =
    .observed = { $situation }; { $what } returned Ok, but the server received { $got } (of the { $len } bytes of `put <key> 1.5 1\n`)
    .expected = the { $len } bytes of `put <key> 1.5 1\n`, whole
    .why = every request is one line, sent whole, in order: the server answers only once it has read up to the \n
ex16-late-reader-late = the server began reading late ({ $situation })
ex16-no-newline = , no \n
ex16-late-reader-err =
    .observed = { $situation }; { $what } returned Err({ $error }); the server had received { $received } of the request's { $len } bytes{ $no_newline }
    .expected = Ok(()): the whole request sent, then `ok\n\n` received
    .why = write() sends what fits in the socket's buffers and returns how many bytes that was: with a write timeout, a long write returns part of the request when the timeout comes, and the rest is never sent. write_all goes on with the rest (each write waiting at most the timeout while nothing moves), so the server gets the whole line and answers

## bad_keys_refused

ex16-bad-key-other-err =
    .observed = { $call } returned Err({ $error })
    .expected = Err(ClientError::BadKey(..)), whose text names the key
    .why = the key is checked before anything is sent: empty, or with whitespace (a space, a tab, a newline), is ClientError::BadKey
ex16-bad-key-ok =
    .observed = { $call } returned Ok({ $value })
    .expected = Err(ClientError::BadKey(..)), and nothing sent
    .why = a key with whitespace, or an empty one, breaks the request line apart (`put a b 1.5 7` has one word too many, and a newline ends the request early): check the key first and return ClientError::BadKey
ex16-bad-key-sent =
    .observed = the client refused the bad keys, but the server received { $sent }
    .expected = nothing sent for a refused key
    .why = check the key before writing the request: a refused call sends nothing

# The hidden checks of ex01_process: what they say to a student (see pack/support/src/text.rs).

## reports_own_pid

ex01-wrong-pid =
    .observed = the program reported `pid: { $reported }`, but the process the checker started has PID { $real }
    .expected = pid: { $real }
    .why = { $cause }
ex01-pid-is-parents = { $reported } is the PID of its parent (the checker): pid() returns the parent's PID instead of the process's own (std::process::id())
ex01-pid-no-such-process = no process with PID { $reported } exists: the PID must come from the running process itself (std::process::id() or /proc/self)
ex01-pid-another-process = PID { $reported } is another process: pid() must return the PID of the process that calls it (std::process::id()); if it is read from /proc/self/stat, perhaps a field was counted wrong: the program ran as `{ $name }`, and the command name in that file (in parentheses) may contain spaces and parentheses itself, so the numbers begin after the last ')'

## reports_parent_pid

ex01-wrong-ppid =
    .observed = the program reported `ppid: { $reported }`, but /proc/{ $own }/stat says its parent is PID { $real } (the checker, which started it)
    .expected = ppid: { $real }
    .why = { $cause }
ex01-ppid-is-own = { $reported } is the program's own PID: parent_pid() returns the PID of the process itself, not of the process that started it (std::os::unix::process::parent_id())
ex01-ppid-field = the parent PID is the PID of the process that started this one (std::os::unix::process::parent_id()), field 4 of /proc/self/stat; if it is read from there, perhaps a field was counted wrong: the program ran as `{ $name }`, and the command name (field 2, in parentheses) may contain spaces and parentheses itself, so the fields after it begin after the last ')'

## reports_open_fds

ex01-wrong-fds =
    .observed = the program reported `fds: { $reported }`, but /proc/{ $pid }/fd lists { $real }
    .expected = fds: { $real }
    .why = { $causes }
ex01-fds-missing = { $count ->
        [one] descriptor { $fds } is
       *[other] descriptors { $fds } are
    } open but not reported
ex01-fds-missing-inherited = { $count ->
        [one] descriptor { $fds } is
       *[other] descriptors { $fds } are
    } open but not reported (the checker passed descriptors { $inherited } down to the program: a process inherits its parent's open descriptors, so do not assume only 0 1 2, nor that the directory's own descriptor is 3 or the highest — list /proc/self/fd and leave out only the one that is closed again)
ex01-fds-extra = { $count ->
        [one] descriptor { $fds } is
       *[other] descriptors { $fds } are
    } reported but not open (most likely the descriptor that reading /proc/self/fd opened for the directory itself: it is closed once the listing is done, so leave it out)
ex01-fds-unsorted = the same descriptors, but not sorted ascending or listed twice

## reports_resident_memory

ex01-status-unreadable =
    .observed = /proc/{ $pid }/status could not be read while the program held
    .expected = the program stays alive until its stdin is closed (the provided main.rs with --hold)
    .why = the checker compares the report with the live process
ex01-wrong-rss =
    .observed = the program reported `rss_kb: { $reported }`, but /proc/{ $pid }/status says VmRSS: { $rss } kB
    .expected = rss_kb within { $tolerance } kB of { $rss }
    .why = { $cause }
ex01-rss-is-vmsize = { $reported } kB is about VmSize ({ $size } kB): that is the virtual size (every mapping, most of it never touched), not the resident set: read the VmRSS line
ex01-rss-is-anon = { $reported } kB is about RssAnon ({ $anon } kB), only the anonymous part of the resident memory: read the VmRSS line
ex01-rss-in-bytes = the value looks like bytes: /proc/self/status gives kB, report that number as is
ex01-rss-in-pages = the value looks like pages of 4 kB (as in /proc/self/statm): VmRSS in /proc/self/status is already in kB
ex01-rss-where = resident memory is the VmRSS line of /proc/self/status, in kB

## hold_until_stdin_closes

ex01-hold-spins =
    .observed = while holding (stdin open, nothing sent) the program used { $cpu } ms of CPU in { $wall } ms
    .expected = a process blocked reading its stdin: no CPU at all
    .why = perhaps the hold loop reads a stdin that does not block, or goes round without reading; the provided main.rs blocks in read() until stdin is closed
ex01-hold-ends-on-eintr =
    .observed = the program ended ({ $status }) when a signal interrupted its read of stdin (the read returned EINTR); its stdin was still open
    .expected = read() failing with ErrorKind::Interrupted is retried: the program holds until stdin is closed
    .why = perhaps the hold loop stops at any error of read(), or at Interrupted in particular. An interrupted read is no end of input: a signal came, read again (the provided main.rs does)
ex01-hold-ignores-eof =
    .observed = the program was still running 3 s after its stdin was closed
    .expected = end of file on stdin ends the hold: the program exits
    .why = perhaps the hold loop does not stop when read() returns 0 (end of file)
ex01-hold-bad-exit =
    .observed = after its stdin was closed the program ended with { $status }
    .expected = exit status 0
    .why = perhaps something after the hold panicked or exited with another code
ex01-unreadable-stdin-spins =
    .observed = started with --hold and a stdin that cannot be read (a directory: read() fails with EISDIR), the program was still running after 3 s, having used { $cpu } ms of CPU
    .expected = a read error other than Interrupted ends the hold, as end of file does
    .why = perhaps the hold loop retries every error of read(); an error that is not Interrupted comes back at once, every time, so the loop spins
ex01-unreadable-stdin-bad-end =
    .observed = started with --hold and a stdin that cannot be read, the program ended with { $status } and printed { $text }
    .expected = the report, then exit status 0
    .why = the report comes first whatever stdin is; a read error on stdin ends the hold like end of file

## every check: starting the program and reading its report (Held::start_with, parse, gone)

ex01-could-not-start =
    .observed = the program could not be started: { $error }
    .expected = a program that runs
    .why = the checker runs your compiled binary
ex01-report-timeout =
    .observed = after { $seconds } s the program had printed { $count } of the 4 report lines: { $lines }
    .expected = the report printed and stdout flushed right away, before waiting on stdin
    .why = the checker reads the report while the program is still alive (--hold)
ex01-report-ended-early =
    .observed = the program ended ({ $status }) after printing { $count } of the 4 report lines: { $lines }
    .expected = four lines: `pid: N`, `ppid: N`, `fds: N N ...`, `rss_kb: N`, then the program waits on stdin (--hold)
    .why = exit status 101 is a panic (its message is on stderr): maybe a todo!() that is not written yet, or an unwrap() that failed
ex01-report-malformed =
    .observed = the program printed { $lines }
    .expected = four lines: `pid: N`, `ppid: N`, `fds: N N ...`, `rss_kb: N`
    .why = { $why }; the provided Display for Report prints this format
ex01-report-line-missing = line { $line } is missing
ex01-report-line-prefix = line { $line } should start with `{ $name }:`
ex01-report-not-a-number = `{ $name }: { $value }` is not a number
ex01-exited-at-once =
    .observed = the program printed its report and exited at once
    .expected = with --hold the program stays alive until its stdin is closed
    .why = the checker compares the report with /proc/PID of the live process; keep the provided main.rs
ex01-proc-gone =
    .observed = /proc/{ $pid } could not be read while the program should have been holding: { $error }
    .expected = the program stays alive until its stdin is closed (--hold)
    .why = the checker compares the report with the live process; keep the provided main.rs

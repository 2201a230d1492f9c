# The checker's messages to a student, in English: the reference for every other language
# (`fl!` checks each id used in the code against this file at compile time). A translation
# copies this file to i18n/<code>/checker.ftl, keeps the ids and the { $variables }, and
# translates the rest. Commands (`checker hint ex04`), paths and ids are not translated.

## checker list

list-exercise = exercise
list-lecture = lecture
list-title = title
list-status = status
list-score = score
status-not-started = not started
status-failing = failing
status-passing = passing (not submitted)
status-done = done
list-done = {$done}/{$total} done

## checker hint

hint = hint {$number}/{$total}: {$hint}
hint-none = {$exercise} has no hints.
hint-again = Run `checker hint {$exercise}` again for a stronger hint.
hint-last = That was the last hint for {$exercise}.
hint-last-again = That was the last hint for {$exercise}. `checker hint {$exercise} --all` shows them all.

## Which exercise, when none is named

first-not-done = {$exercise} (the first exercise not done)
all-done-name-one = every exercise is done; name the one you mean, e.g. `checker hint ex04`
waiting-for-another-run = waiting for another checker run in this course to finish...

## checker lesson

lesson-where = The lesson on the topic: `checker lesson {$exercise}`.
lesson-in-english = (there is no lesson for {$exercise} in this language yet: {$missing} is missing; showing the English one)
lesson-missing = the course has no lesson for {$exercise}: reading {$path} failed ({$error}). The lessons live in lessons/en/ and lessons/ru/ of the course repository; `checker hint {$exercise}` and the exercise's doc comments are there meanwhile

## checker check, checker submit

submit-no-pack = this copy of the course has no grading pack ({$pack}): the hidden checks of `submit` stay with your instructor, who runs them on your work. Here, `checker check {$exercise}` runs the public tests.
no-such-check = {$exercise} has no hidden check named {$check}; its checks are: {$checks}
report-written = report: {$path}

## checker reset

reset-no-backup = there is no backup of {$exercise} in {$folder}: a reset makes one
reset-ask-restore = Replace {$folder} with the backup {$backup}?
reset-ask = Restore {$folder} to the skeleton?
reset-backed-up-first = Your current files are backed up first. [y/N]
# The words (besides y and yes) that answer yes to the question above, separated by |.
reset-yes = y|yes
reset-confirm-with = this replaces your files; confirm with `{$command}`
reset-nothing-changed = Nothing changed.
reset-restored = {$folder} is back as it was in {$backup}.
reset-done = {$folder} is back to its skeleton.
reset-backed-up = Your previous files are in {$backup} (`checker reset {$exercise} --restore` brings them back).
reset-no-skeleton = the skeleton of {$exercise} is neither in {$kept} nor in the course's git history (HEAD has no {$folder}/)
reset-no-git = reset needs git, which could not be run: {$error}
reset-git-failed = reset restores the skeleton from the course's git history, and git failed: {$error}

## checker watch

watch-on-to = On to {$next}.
watch-passed-next = {$exercise} passes its public tests; `checker submit {$exercise}` runs the hidden checks. Next: {$next}
watch-passed-last = {$exercise} passes its public tests. That was the last exercise.
watch-last = That was the last exercise.
watch-all-done = Every exercise is done.
watch-cannot = cannot watch {$folder}: {$error}
watch-changed = {$file} changed at {$time}
watch-suggest-poll = A file changed, but no file event came: this file system does not tell about changes. `checker watch --poll` looks for them every second.
watch-stopped = the file watcher stopped
watch-keys = watching {$folder} for changes: h hint, n next exercise, l list, r run again, s submit, q quit
watch-no-keys = watching {$folder} for changes (Ctrl-C to stop)...

## checker check, checker submit: the console

run-check = {$exercise}: {$title} (lecture {$section}) - public tests
run-submit = {$exercise}: {$title} (lecture {$section}) - public tests and hidden checks
# Shown as "building... ", and before the build's bar on a terminal.
build-building = building
build-result = build:
build-progress = {$done}/{$total} done ({$seconds} s)
build-progress-compiling = {$done}/{$total} done, compiling {$crates} ({$seconds} s)
build-took = ({$seconds} s)
build-failed = your code does not compile:
build-not-allowed = error: { $found } is not allowed in this exercise
    The hidden checks of a library exercise run in the same process as your code, so the checker builds it without `unsafe` code, without assembly and without `extern` blocks (whose `#[link]` attributes would reach the linker of the checks' program). This exercise needs none of them.
build-extern-block = an `extern` block
build-reads-outside = error: the submission reads files outside itself while it compiles: { $files }
    Only the files under src/ are submitted; include_str!, include_bytes! and include! may name only those.
build-differs-for-the-checks = error: your code builds on its own, but not as the hidden checks build it (with the checker's features of course_sync turned on):
build-foreign-crate = note: the checker builds your code with the dependencies course.toml gives this exercise ({$allowed}), not with your Cargo.toml: what you added there ({$crates}) is not available. Do without it: the exercise can be solved with those.
build-advice = advice from clippy on the lints that matter in this exercise ({ $count } { $count ->
        [one] place
       *[other] places
    }; advice never costs points):
build-hidden-failed = the hidden checks cannot be built against your code.
build-hidden-failed-why = Your public API differs from the skeleton's; keep every type and signature the skeleton declares. The compiler said:
check-running = running  {$name} ...
note = note: {$note}
run-passed = passed
run-not-passed = not passed yet
run-score = score: {$score}/{$max}
run-public-tests = public tests:

## What a check's explanation says (the console; the JSON report keeps the English)

public-tests-summary = the public tests in the exercise's tests/ folder pass
explain-checks-that = checks that {$summary}
# The labels of a failure's three parts; the texts after them are lined up.
label-observed = observed
label-expected = expected
label-why = why
explain-limit = limit reached: {$limit}
explain-measured = measured: {$line}
explain-check-saw = the check saw: {$line}
explain-thread = thread {$thread} (tid {$tid}) of {$process} (pid {$pid}): {$activity} [{$cpu}% CPU]
explain-more-threads = ... and {$count} more threads
explain-no-verdict = (a crash, an abort, or process::exit() called from the code under test)
explain-not-judged = no points for now: run it again on a quiet machine (an instructor sees it as not judged and grades it again)
explain-leftovers = processes were still running after the check ended (the checker killed them):
explain-leftover = pid {$pid} ({$name}), parent {$ppid}, state {$state}: {$cmdline}
explain-leftovers-why = every process a program starts must be waited for before it exits

headline-passed = passed
headline-failed = observed: {$observed}; expected: {$expected}
headline-timed-out = did not finish within {$limit}: {$diagnosis}
headline-no-verdict = the check's process ended ({$exit}) before it could report a verdict
headline-left-behind = { $count ->
    [one] {$count} process was
   *[other] {$count} processes were
} still running after the check ended
headline-not-run = not run: {$reason}
headline-not-judged = not judged: {$why}

not-run-does-not-compile = the code does not compile
not-run-hidden-checks-do-not-build = the hidden checks could not be built against the code
not-run-earlier-test-hung = an earlier public test hung; fix that one first

exit-status = exit status {$code}
exit-signal = killed by signal {$signal} ({$name})

hang-deadlock = all {$threads} threads were blocked (on locks, condition variables or children) and none was running: a deadlock, or a wait for a wake-up that never comes
hang-spinning = {$spinning} of {$threads} threads kept running on the CPU without finishing: a busy loop or a livelock
hang-io = threads were waiting on I/O that never arrived (a read or accept with no timeout?)
hang-sleeping = threads were sleeping: the work never finished in time
hang-stopped = the process was stopped (SIGSTOP) and never resumed
hang-unknown = the process could not be inspected

activity-running = running on the CPU
activity-lock = blocked on a lock or condition variable (futex)
activity-io-on = waiting on I/O in {$call}() on {$target}
activity-io = waiting on I/O in {$call}()
activity-sleep = sleeping
activity-wait-child = waiting for a child process
activity-stopped = stopped
activity-other = blocked in {$what}

## The checker's own failures (observed, expected, why)

failure-no-public-tests = no public tests were found
failure-no-public-tests-expected = the tests of exercises/{$dir}/tests
failure-no-public-tests-why = restore the tests folder with `checker reset {$exercise}` (your code is backed up first)
failure-public-tests = {$failed} of {$total} public tests failed: {$names}
failure-public-tests-expected = every public test passes
failure-public-tests-why = the public tests show the exercise's basic behaviour; run `checker check {$exercise}` to see each failure
failure-test-ended-early = the test process exited with status 0 before the test finished
failure-test-ended-early-expected = the test runs to its end
failure-test-ended-early-why = something called std::process::exit() (or similar) during the test; a test passes by returning, not by ending its process
failure-test-failed = the test failed ({$exit})
failure-test-failed-expected = the test passes
failure-test-failed-why = see the test's output
failure-supervisor-died = the checker's supervising process died during the run ({$what})
failure-supervisor-died-expected = the code under test leaves the checker's own processes alone
failure-supervisor-died-why = something signalled or killed its parent process; a program may only signal processes it started
failure-busy-by-itself = twice the check found the machine too busy to judge the timing ({$why}), while processes outside your program used only {$percent}% of the processors
failure-busy-by-itself-expected = a measurement the check can judge: a timing check compares your program with a calibration measured in the same run (one job alone, one request), on an otherwise quiet machine
failure-busy-by-itself-why = what spoiled the measurement was your program's own doing, not the machine: threads or child processes that keep the processors busy (spinning, busy-waiting), or work that is slow only when it runs alone

## checker solution

solution-heading = The reference solution of {$exercise} beside your code: lines starting with - are yours, lines starting with + the reference's. A different design that passes every check is just as right.
solution-same = {$file}: the same as the reference
solution-only-yours = {$file}: yours only (the reference has no such file)
solution-not-yet = the reference solution of {$exercise} is shown once the exercise is done: get full marks with `checker submit {$exercise}` first
solution-none = this copy of the course has no reference solution of {$exercise}
solution-turned-off = your instructor has turned reference solutions off for this course (show_solutions = false in course.toml)

## Errors

error = error: {$message}
error-cause = caused by: {$cause}
error-no-course = no course found: there is no course.toml in {$dir} or any folder above it (run the checker inside the course repository, or pass --root DIR)
error-unknown-exercise = there is no exercise {$query}; the exercises are: {$exercises}
error-progress = the progress file {$path} is corrupt ({$problem}); fix it, or delete it to start the progress afresh
error-offline = the course's dependencies are not all in cargo's cache ({$cache}), and downloading them failed.
    Connect to the internet (crates.io) and run the same command again: the crates are downloaded once, and from then on the checker works offline.
    Offline, cargo said:
    {$offline}Online, cargo said:
    {$online}
error-no-cargo = cargo does not run for this user, so nothing can be built. Cargo said:
    {$said}Set Rust up for this user (with rustup: `rustup default stable`) and run the same command again.
translation-broken = warning: {$error}; the course's texts are shown in English

## Mistakes on the command line, in a language other than English (English keeps clap's own
## words). See help::parse_error.

cli-unknown-command = unrecognized subcommand '{$command}'
cli-unknown-option = unexpected argument '{$option}' found
cli-missing = the following required arguments were not provided: {$arguments}
cli-missing-command = '{$command}' requires a subcommand but one was not provided
cli-bad-value = invalid value '{$value}' for '{$option}'
cli-valid = possible values: {$values}
cli-did-you-mean = tip: a similar one exists: '{$suggested}'
cli-more = For more information, try '--help'.

## The command line's help (checker --help, checker COMMAND --help): the doc comments of
## checker/src/cli.rs, word for word (a test keeps them equal). See checker/src/help.rs.

help-usage = Usage:
help-options = Options
help-arguments = Arguments
help-commands = Commands
help-help = Print help
help-version = Print version

help-checker = Builds, runs and grades the exercises of the multithreaded and asynchronous programming course
help-checker-long = Builds, runs and grades the exercises of the multithreaded and asynchronous programming course.
    
    Exit status: 0 everything passed; 1 a test, check or build of the exercise failed; 2 the command line was wrong (for example an unknown exercise); 3 the course or the machine is not set up (missing or corrupt course.toml, cargo not found, ...).
help-root = The course repository (default: the nearest folder upwards holding course.toml)
help-pack = The grading pack with the hidden checks (default: pack/ in the course)
help-lang = The language of the checker's messages, its help, the course's texts and the lessons (default: CHECKER_LANG, then the locale: LC_ALL, LC_MESSAGES, LANG; English when none of them is Russian or English)
help-color = When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or never
help-list = List every exercise with its title and status
help-check = Build an exercise and run its public tests
help-check-exercise = The exercise: ex04, ex04_pool or 4 (default: the first one not done)
help-check-from = Grade the src/ folder of DIR instead of the exercise folder (progress is not touched)
help-submit = Run the public tests and the hidden checks, score them and write a JSON report
help-submit-exercise = The exercise: ex04, ex04_pool or 4
help-submit-from = Grade the src/ folder of DIR instead of the exercise folder (progress is not touched)
help-submit-report = Where to write the JSON report (default: .checker/reports/<exercise>.json)
help-submit-only = Run only this hidden check (repeatable), without the public tests: a partial run, not recorded in the progress file
help-lesson = Show the lesson of an exercise: the topic, its Python original in the lecture notes and its Rust counterpart, pitfalls, and runnable examples (paged on a terminal)
help-lesson-exercise = The exercise: ex04, ex04_pool or 4
help-solution = After full marks, show the reference solution beside your code, as a diff (where the course ships solutions)
help-solution-exercise = The exercise: ex04, ex04_pool or 4
help-hint = Show the next hint for an exercise
help-hint-exercise = The exercise: ex04, ex04_pool or 4 (default: the first one not done)
help-hint-all = Show every hint
help-reset = Restore an exercise to its skeleton, or with --restore to the latest backup (your files are backed up first)
help-reset-exercise = The exercise to restore: ex04, ex04_pool or 4
help-reset-yes = Do not ask for confirmation
help-reset-restore = Bring back the latest backup (the files a reset replaced) instead of the skeleton
help-watch = Re-run the public tests whenever a file of the exercise is saved; move on when it passes. Keys: h hint, n next exercise, l list, r run again, s submit, q quit
help-watch-exercise = The exercise to start with (default: the first one not done)
help-watch-poll = Look for changed files every second instead of waiting for the file system's events (for file systems that send none: some network and virtual-machine folders)
help-verify = The course's self-check: every skeleton fails, every reference solution passes
help-verify-exercises = Only these exercises (default: all)
help-verify-static_only = Only the manifest and the folders (promises, hints, checks declared): no build, no run
help-promises = Every promise of the exercises and the hidden checks that observe it (or why none does)
help-promises-exercises = Only these exercises (default: all)
help-promises-format = How the table is printed
help-grade = Grade a class: every submission in a folder (one folder or archive per student), for every exercise or the chosen ones; resumable, and written in several graders' formats
help-grade-submissions = The folder of submissions: one copy of the course repository (or a .zip, .tar.gz, .tgz or .tar of one) per student, named after the student
help-grade-out = Where the results and reports go; a second run there grades only what changed
help-grade-exercises = Only these exercises, comma-separated (default: all)
help-grade-jobs = Submissions graded in parallel
help-grade-shard = Grade only the K-th of N slices of the class (e.g. 2/8), or `auto` to read the slice from the CI's variables; combine the slices with `checker merge`
help-grade-format = The formats to write, comma-separated (default: all)
help-grade-roster = A CSV file with the columns submission (the folder's or archive's name), id, name and email: the gradebook and summaries carry them, and list who is missing on either side
help-merge = Combine the --out folders of several `checker grade --shard` runs into the reports one run over the whole class writes
help-merge-inputs = The --out folders of the shards
help-merge-out = Where the combined results and reports go
help-merge-format = The formats to write, comma-separated (default: all)
help-merge-roster = The class's roster, as for `grade`
help-mutants = For instructors: how good are the hidden checks? Grades wrong versions (mutants) of the reference solutions like submissions and reports which ones the checks kill, by which check, and which survive, with the mutation score
help-mutants-exercises = Only these exercises (default: all)
help-mutants-jobs = Mutants graded in parallel
help-mutants-out = Where the mutants, their results and mutation-report.json go; a second run there grades only what changed (default: .checker/mutants in the course)
help-mutants-shard = Grade only the K-th of N slices of the mutants (e.g. 2/8), or `auto` (see `grade`)
help-mutants-origin = Only mutants of these origins, comma-separated (default: both)
help-mutants-list = List the mutants (id, file, line, mutation) without grading them
help-mutants-fail_fast = Stop grading a mutant at its first failing check (the verdict is the same, sooner)
help-mutants-sample = Grade only N mutants per exercise, chosen by --seed (the same seed, the same mutants)
help-mutants-seed = The seed that chooses the --sample mutants
help-mutants-format = How the report is printed
help-handout = Write the repository a student receives: exercises, public tests, hints and the checker, without the solutions or the hidden checks
help-handout-out = A new folder
help-similarity = For instructors: per exercise, the pairs of submissions whose code is most alike (names and literals abstracted, the skeleton's code left out), to read side by side. It flags, it does not accuse
help-similarity-submissions = The folder of submissions, as for `grade`
help-similarity-out = Where similarity.json and similarity.html go (the class report's folder)
help-similarity-exercises = Only these exercises, comma-separated (default: all)
help-gradescope-autograder = For instructors: write the Gradescope autograder (autograder.zip to upload, with its setup.sh and run_autograder), which grades each submission with this course's checker
help-gradescope-autograder-out = A new folder
help-gradescope-autograder-exercises = Only these exercises, comma-separated (default: all)
help-completions = Print the shell's completion script for checker (bash: `source <(checker completions bash)` in ~/.bashrc; zsh: save it as `_checker` in a folder of $fpath; fish: save it as ~/.config/fish/completions/checker.fish)
help-completions-shell = The shell to complete in
help-materialize-mutant = Write the sources of a mutant (a folder of tests/mutants/<id>/) or of a correct alternative (tests/alternatives/<id>/) into OUT/src: the current reference solution with its edits, for `checker submit EX --from OUT`
help-materialize-mutant-mutant = The mutant's folder, holding its mutant.toml (or an alternative.toml)
help-materialize-mutant-into = Where to write it (OUT/src must not exist yet)
# In languages other than English, after an option's help (English keeps clap's own words).
help-possible-values = possible values: {$values}
help-default = default: {$value}

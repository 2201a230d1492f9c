# Скрытые проверки ex01_process: что они говорят студенту (см. pack/support/src/text.rs).

## reports_own_pid

ex01-wrong-pid =
    .observed = программа сообщила `pid: { $reported }`, но у процесса, который запустил checker, PID { $real }
    .expected = pid: { $real }
    .why = { $cause }
ex01-pid-is-parents = { $reported } — это PID родителя (checker): pid() возвращает PID родительского процесса, а не собственный PID процесса (std::process::id())
ex01-pid-no-such-process = процесса с PID { $reported } не существует: PID нужно получать у самого работающего процесса (std::process::id() или /proc/self)
ex01-pid-another-process = PID { $reported } принадлежит другому процессу: pid() должна возвращать PID того процесса, который её вызывает (std::process::id())

## reports_parent_pid

ex01-wrong-ppid =
    .observed = программа сообщила `ppid: { $reported }`, но по /proc/{ $own }/stat её родитель — процесс с PID { $real } (checker, который её запустил)
    .expected = ppid: { $real }
    .why = { $cause }
ex01-ppid-is-own = { $reported } — собственный PID программы: parent_pid() возвращает PID самого процесса, а не процесса, который его запустил (std::os::unix::process::parent_id())
ex01-ppid-field = PID родителя — это PID процесса, который запустил данный процесс, как в поле 4 файла /proc/self/stat (std::os::unix::process::parent_id())

## reports_open_fds

# [1]: один дескриптор или список из нескольких (согласование, а не числительное).
ex01-wrong-fds =
    .observed = программа сообщила `fds: { $reported }`, но в /proc/{ $pid }/fd перечислены { $real }
    .expected = fds: { $real }
    .why = { $causes }
ex01-fds-missing = { $count ->
        [1] дескриптор { $fds } открыт, но не указан
       *[other] дескрипторы { $fds } открыты, но не указаны
    } в отчёте
ex01-fds-missing-inherited = { $count ->
        [1] дескриптор { $fds } открыт, но не указан
       *[other] дескрипторы { $fds } открыты, но не указаны
    } в отчёте (checker передал программе дескрипторы { $inherited }: процесс наследует открытые дескрипторы родителя, поэтому не рассчитывайте, что открыты только 0 1 2 или что собственный дескриптор каталога — это 3 или наибольший; прочитайте /proc/self/fd и исключите только тот дескриптор, который затем снова закрывается)
ex01-fds-extra = { $count ->
        [1] дескриптор { $fds } указан в отчёте, но не открыт
       *[other] дескрипторы { $fds } указаны в отчёте, но не открыты
    } (скорее всего, это дескриптор, который чтение /proc/self/fd открыло для самого каталога: он закрывается, как только список прочитан, поэтому его нужно исключить)
ex01-fds-unsorted = дескрипторы те же, но они не отсортированы по возрастанию или какой-то указан дважды

## reports_resident_memory

ex01-status-unreadable =
    .observed = не удалось прочитать /proc/{ $pid }/status, пока программа ждала
    .expected = программа остаётся жива, пока её stdin не закроют (предоставленный main.rs с --hold)
    .why = checker сравнивает отчёт с живым процессом
ex01-wrong-rss =
    .observed = программа сообщила `rss_kb: { $reported }`, но /proc/{ $pid }/status показывает VmRSS: { $rss } kB
    .expected = rss_kb в пределах { $tolerance } kB от { $rss }
    .why = { $cause }
ex01-rss-is-vmsize = { $reported } kB — это примерно VmSize ({ $size } kB), то есть виртуальный размер (все отображения, большая часть которых ни разу не использовалась), а не резидентная память: читайте строку VmRSS
ex01-rss-is-anon = { $reported } kB — это примерно RssAnon ({ $anon } kB), только анонимная часть резидентной памяти: читайте строку VmRSS
ex01-rss-in-bytes = значение похоже на байты: /proc/self/status даёт kB, выводите это число как есть
ex01-rss-in-pages = значение похоже на число страниц по 4 kB (как в /proc/self/statm): VmRSS в /proc/self/status уже в kB
ex01-rss-where = резидентная память — это строка VmRSS из /proc/self/status, в kB

## hold_until_stdin_closes

ex01-hold-spins =
    .observed = в режиме ожидания (stdin открыт, ничего не отправлено) программа израсходовала { $cpu } ms процессорного времени за { $wall } ms
    .expected = процесс, заблокированный на чтении stdin, совсем не тратит процессорное время
    .why = возможно, цикл ожидания читает stdin, который не блокирует, или крутится, ничего не читая; предоставленный main.rs блокируется в read(), пока stdin не закроют
ex01-hold-ends-on-eintr =
    .observed = программа завершилась ({ $status }), когда сигнал прервал чтение stdin (read вернул EINTR), хотя stdin ещё был открыт
    .expected = read(), завершившийся ошибкой ErrorKind::Interrupted, повторяется: программа ждёт, пока stdin не закроют
    .why = возможно, цикл ожидания останавливается на любой ошибке read() или именно на Interrupted. Прерванное чтение — не конец ввода: пришёл сигнал, и читать нужно снова (так делает предоставленный main.rs)
ex01-hold-ignores-eof =
    .observed = через 3 s после закрытия stdin программа всё ещё работала
    .expected = конец файла на stdin завершает ожидание: программа выходит
    .why = возможно, цикл ожидания не останавливается, когда read() возвращает 0 (конец файла)
ex01-hold-bad-exit =
    .observed = после закрытия stdin программа завершилась: { $status }
    .expected = код завершения 0
    .why = возможно, что-то после ожидания запаниковало или завершилось с другим кодом
ex01-unreadable-stdin-spins =
    .observed = запущенная с --hold и со stdin, который нельзя прочитать (каталог: read() завершается ошибкой EISDIR), программа через 3 s всё ещё работала и израсходовала { $cpu } ms процессорного времени
    .expected = ошибка чтения, отличная от Interrupted, завершает ожидание так же, как конец файла
    .why = возможно, цикл ожидания повторяет read() при любой ошибке; ошибка, отличная от Interrupted, возвращается сразу и каждый раз, поэтому цикл крутится вхолостую
ex01-unreadable-stdin-bad-end =
    .observed = запущенная с --hold и со stdin, который нельзя прочитать, программа завершилась ({ $status }) и напечатала { $text }
    .expected = отчёт, затем код завершения 0
    .why = отчёт печатается первым, каким бы ни был stdin; ошибка чтения stdin завершает ожидание так же, как конец файла

## все проверки: запуск программы и чтение её отчёта (Held::start_with, parse, gone)

ex01-could-not-start =
    .observed = не удалось запустить программу: { $error }
    .expected = программа, которая запускается
    .why = checker запускает ваш скомпилированный исполняемый файл
ex01-report-timeout =
    .observed = через { $seconds } s программа напечатала { $count } из 4 строк отчёта: { $lines }
    .expected = отчёт напечатан и stdout сброшен (flush) сразу, до ожидания на stdin
    .why = checker читает отчёт, пока программа ещё жива (--hold)
ex01-report-ended-early =
    .observed = программа завершилась ({ $status }), напечатав { $count } из 4 строк отчёта: { $lines }
    .expected = четыре строки: `pid: N`, `ppid: N`, `fds: N N ...`, `rss_kb: N`, после чего программа ждёт на stdin (--hold)
    .why = код завершения 101 означает панику (её сообщение — в stderr): возможно, это ещё не написанный todo!() или неудавшийся unwrap()
ex01-report-malformed =
    .observed = программа напечатала { $lines }
    .expected = четыре строки: `pid: N`, `ppid: N`, `fds: N N ...`, `rss_kb: N`
    .why = { $why }; предоставленная реализация Display для Report печатает именно этот формат
ex01-report-line-missing = нет строки { $line }
ex01-report-line-prefix = строка { $line } должна начинаться с `{ $name }:`
ex01-report-not-a-number = `{ $name }: { $value }` — не число
ex01-exited-at-once =
    .observed = программа напечатала отчёт и сразу завершилась
    .expected = с --hold программа остаётся жива, пока её stdin не закроют
    .why = checker сравнивает отчёт с /proc/PID живого процесса; оставьте предоставленный main.rs
ex01-proc-gone =
    .observed = не удалось прочитать /proc/{ $pid }, хотя программа должна была ещё ждать: { $error }
    .expected = программа остаётся жива, пока её stdin не закроют (--hold)
    .why = checker сравнивает отчёт с живым процессом; оставьте предоставленный main.rs

# Скрытые проверки ex03_spawn: что они говорят студенту (см. pack/support/src/text.rs).

## в начале каждой проверки: child_main_returned

ex03-child-main-panicked =
    .observed = child_main() запаниковала в программе, которую запустил не Process::start: { $message }
    .expected = child_main() сразу возвращает управление, если этот процесс не дочерний
    .why = каждая программа первым делом вызывает в main() функцию child_main(); если переменная, задающая точку входа, не установлена, child_main() должна просто вернуть управление

ex03-entry-from-command-line = точка входа `run` выполнилась в собственной программе проверок, которую никто не запускал через Process::start: её командная строка — `run CHECK`, и child_main() приняла первый аргумент за имя точки входа. Аргументы программы принадлежат ей самой; child_main() должна узнавать дочерний процесс по тому, что устанавливает для него только start(), например по переменной окружения

## runs_in_another_process

ex03-step-join-whoami = join() процесса, выполняющего `whoami`
ex03-entry-never-ran =
    .observed = точка входа `whoami` так и не выполнилась: она не записала { $path } (код завершения { $code })
    .expected = запущенный процесс выполняет названную точку входа с переданными аргументами
    .why = start() должна заново запустить текущую программу (std::env::current_exe()) и сообщить ей, какую точку входа выполнить и с какими аргументами; child_main() в новом процессе должна найти эту точку входа и вызвать её
ex03-entry-in-own-process =
    .observed = точка входа выполнилась в собственном процессе checker (PID { $own }), а не в новом
    .expected = точка входа выполняется в новом процессе, дочернем для checker
    .why = start() должна создать процесс (std::process::Command на std::env::current_exe()), а не поток: поток разделяет с программой процесс, его PID и его память
ex03-pid-mismatch =
    .observed = точка входа выполнилась в процессе с PID { $ran_in }, но Process::pid() вернула { $pid }
    .expected = pid() = Some({ $ran_in })
    .why = pid() должна возвращать PID запущенного дочернего процесса (std::process::Child::id())
ex03-not-a-direct-child =
    .observed = точка входа выполнилась в процессе с PID { $ran_in }, чей родитель — { $ran_parent }, а не checker ({ $own })
    .expected = непосредственный потомок процесса, вызвавшего start() (PID { $own })
    .why = start() должна порождать процесс сама, чтобы потом его дождаться (без shell и без двойного fork)
ex03-arguments-changed =
    .observed = точка входа получила аргументы { $got }
    .expected = { $given }, ровно как их передали в Process::new
    .why = возможно, аргументы передаются склеенными в одну строку и потом снова разбиваются (по пробелам, так что "two words" становится двумя, а "" пропадает), или по дороге что-то добавляется либо теряется; передавайте каждый отдельным аргументом командной строки (Command::args) и читайте их через std::env::args()

## join_waits

ex03-step-join-sleeping = join() процесса, который спит { $sleep } ms
ex03-join-left-zombie =
    .observed = join() вернула управление через { $took } ms, и после этого /proc/{ $pid } показал, что дочерний процесс — зомби: он завершился, но его никто не дождался (он спит { $sleep } ms)
    .expected = join() возвращается после завершения дочернего процесса (не раньше чем через { $sleep } ms), и /proc/{ $pid } исчезает
    .why = join() должна дождаться дочернего процесса (std::process::Child::wait()): ожидание заодно забирает его код завершения, и зомби исчезает
ex03-join-left-running =
    .observed = join() вернула управление через { $took } ms, и после этого /proc/{ $pid } показал, что дочерний процесс всё ещё работает (он спит { $sleep } ms)
    .expected = join() возвращается после завершения дочернего процесса (не раньше чем через { $sleep } ms), и /proc/{ $pid } исчезает
    .why = join() должна блокироваться, пока дочерний процесс не завершится: std::process::Child::wait(), а не try_wait()
ex03-join-returned-early =
    .observed = join() вернула управление через { $took } ms, хотя дочерний процесс спит { $sleep } ms
    .expected = join() возвращается не раньше чем через { $sleep } ms
    .why = join() должна ждать, пока дочерний процесс не завершится
ex03-start-panicked =
    .observed = код запаниковал в start(): { $message }
    .expected = никакой паники
    .why = паника здесь означает ошибку в Process::start (или ещё не написанный todo!())
ex03-start-hangs =
    .observed = start() не вернула управление и через { $seconds } s
    .expected = start() возвращается сразу
    .why = start() порождает дочерний процесс и возвращается; ждать его она не должна
ex03-join-spins =
    .observed = пока join() ждала дочерний процесс, который спит { $sleep } ms, поток, вызвавший join(): { $usage }
    .expected = join() заблокирована в ядре, пока дочерний процесс не завершится (Child::wait или waitpid): почти никакого процессорного времени и одно-два пробуждения
    .why = возможно, join() крутится в цикле вокруг try_wait() (или waitpid с WNOHANG, или is_alive()), пока дочерний процесс не исчезнет; или ненадолго засыпает и проверяет снова. Блокирующее ожидание позволяет ядру разбудить поток один раз — когда дочерний процесс завершится
ex03-join-panicked =
    .observed = код запаниковал в join(): { $message }
    .expected = никакой паники
    .why = паника здесь означает ошибку в Process::join
ex03-join-hangs =
    .observed = join() процесса, который спит { $sleep } ms, не вернула управление и через { $seconds } s
    .expected = join() возвращается, как только дочерний процесс завершился
    .why = join() должна ждать сам дочерний процесс (Child::wait), а не то, что никогда не случится

## exit_code_propagates

ex03-step-join-exit-with = join() процесса, чья точка входа возвращает { $code }
ex03-wrong-exit-code =
    .observed = exit_code() = { $got } после join() для точки входа, которая вернула { $code }
    .expected = Some({ $code })
    .why = { $why }
ex03-exit-code-zero = код завершения 0, хотя точка входа вернула другое значение: child_main() должна завершать процесс вызовом std::process::exit(entry(&args)), то есть с кодом, который вернула точка входа
ex03-exit-code-none = когда join() увидела завершение, exit_code() должна быть Some(code) (ExitStatus::code())
ex03-exit-code-other = значение, которое вернула точка входа, должно стать кодом завершения процесса (std::process::exit), а join() должна сообщать ExitStatus::code()

## panic_propagates

ex03-step-join-panic = join() процесса, чья точка входа паникует
ex03-panic-wrong-code =
    .observed = exit_code() = { $got } после join() для точки входа, которая запаниковала
    .expected = Some(101)
    .why = { $why }
ex03-panic-code-zero = код завершения 0 скрывает панику: child_main() не должна её перехватывать (никакого catch_unwind); неперехваченная паника раскручивает стек за пределы main, и процесс сам завершается с кодом 101
ex03-panic-code-one = код завершения 1: панику перехватили и превратили в другой код; дайте ей раскрутиться за пределы main, чтобы процесс завершился с кодом 101, как любая паникующая программа на Rust
ex03-panic-code-none = когда join() увидела завершение, exit_code() должна быть Some(code)
ex03-panic-code-other = паникующая программа на Rust завершается с кодом 101: дайте панике раскрутиться за пределы main, не перехватывайте её

## signal_exit_code

ex03-step-join-killed = join() процесса, убитого сигналом { $name }
ex03-signal-wrong-code =
    .observed = exit_code() = { $got } для дочернего процесса, убитого сигналом { $name } (номер { $signal })
    .expected = Some(-{ $signal })
    .why = { $why }
ex03-signal-as-shell-code = { $code } = 128 + { $signal } — так shell показывает сигнал в $?; этот курс следует multiprocessing из Python: у дочернего процесса, убитого сигналом { $signal }, код завершения -{ $signal } (-ExitStatusExt::signal())
ex03-signal-code-none = у процесса, убитого сигналом, нет кода завершения (ExitStatus::code() равен None): используйте std::os::unix::process::ExitStatusExt::signal() и сохраняйте номер сигнала со знаком минус
ex03-signal-code-other = убитый процесс не завершился с кодом: его завершил сигнал. Сообщайте -signal: status.code() равен None, status.signal() равен Some({ $signal }) (ExitStatusExt)

## no_process_left_behind

ex03-step-drop-three = drop трёх запущенных процессов
ex03-drop-left-children =
    .observed = сразу после drop трёх запущенных значений Process, для которых не вызывали join() (PID { $pids }; drop занял { $took } ms), { $count } из них { $count ->
        [one] всё ещё существовал
       *[other] всё ещё существовали
    }: { $described }
    .expected = drop дожидается каждого запущенного дочернего процесса, для которого не вызывали join() (~{ $sleep } ms), и забирает его код завершения
    .why = drop значения std::process::Child не ждёт процесс и не убивает его: реализуйте Drop для Process так, чтобы он вызывал join() для запущенного дочернего процесса, которого ещё не дождались; иначе процесс продолжит работать без присмотра и в конце станет зомби
ex03-drop-ended-children =
    .observed = drop трёх запущенных значений Process, для которых не вызывали join() (PID { $pids }), занял { $took } ms, и { $count ->
        [one] дочерний процесс { $unfinished } так и не выполнил
       *[other] дочерние процессы { $unfinished } так и не выполнили
    } точку входа до конца (каждый спит { $sleep } ms, а потом пишет файл): { $count ->
        [one] его завершили, а не дождались
       *[other] их завершили, а не дождались
    }
    .expected = drop дожидается, пока каждый запущенный дочерний процесс, для которого не вызывали join(), закончит работу (~{ $sleep } ms), и забирает его код завершения
    .why = возможно, Drop убивает дочерний процесс (Child::kill), прежде чем забрать его код; при drop значения Process нужно вызвать join(), как multiprocessing в Python даёт запущенному процессу доработать до конца
ex03-left-zombie = { $pid } — зомби (завершился, но его никто не дождался)
ex03-left-running = { $pid } всё ещё работает

## new_starts_nothing

ex03-step-new-then-start = Process::new, затем start()
ex03-new-spawns =
    .observed = через 150 ms после Process::new("sleep_ms", ...), до вызова start(), у checker было { $count } { $count ->
        [one] новый дочерний процесс
        [few] новых дочерних процесса
       *[many] новых дочерних процессов
    } ({ $pids }), а pid() вернула { $pid }
    .expected = ни одного дочернего процесса и pid() = None, пока не вызвана start()
    .why = возможно, new() уже порождает дочерний процесс (Command::spawn место в start()); или pid() что-то возвращает до start(). Как Process(target=...) в Python, new лишь описывает процесс: программа может создать его сейчас, а запустить гораздо позже или не запускать вовсе
ex03-start-children =
    .observed = сразу после start() у checker было { $count } { $count ->
        [one] новый дочерний процесс
        [few] новых дочерних процесса
       *[many] новых дочерних процессов
    } ({ $pids }), а pid() вернула { $pid }
    .expected = ровно один новый дочерний процесс, и pid() возвращает его PID
    .why = возможно, start() порождает больше одного процесса или ни одного (точка входа выполнилась в потоке); или pid() возвращает не PID порождённого дочернего процесса (Child::id())
ex03-none = нет

## child_stdio

ex03-step-start-stdio-probe = start() процесса, который спит 1500 ms
ex03-stdio-not-inherited =
    .observed = пока запущенный дочерний процесс работал, /proc показал: { $wrong }
    .expected = stdin — /dev/null (Stdio::null()), stdout и stderr унаследованы от родителя (поведение Command по умолчанию)
    .why = возможно, start() направляет stdout или stderr в Stdio::null() или Stdio::piped() (тогда вывод дочернего процесса теряется или копится в канале, который никто не читает); или оставляет stdin унаследованным, и дочерний процесс соперничает с родителем за его ввод. multiprocessing не даёт дочернему процессу stdin, а для вывода даёт ему терминал родителя
ex03-stdio-is = его { $name } (дескриптор { $fd }) — { $target } вместо { $expected }
ex03-not-open = не открыт
ex03-parents-stdout = stdout родителя (файл checker)
ex03-parents-stderr = stderr родителя

## join_twice_is_ok

ex03-entry-returns-5 = возвращает 5
ex03-entry-killed = убита сигналом SIGKILL
ex03-step-two-joins = два вызова join() для процесса, чья точка входа { $what }
ex03-first-join-failed =
    .observed = первый join() процесса, чья точка входа { $what }, вернул { $first }, затем exit_code() = { $code1 }
    .expected = Ok(()), затем Some({ $expected_code })
    .why = join() дожидается дочернего процесса и сохраняет его статус (см. join_waits, exit_code_propagates и signal_exit_code)
ex03-second-join-differs =
    .observed = для процесса, чья точка входа { $what }: первый join() вернул Ok(()) и exit_code() = { $code1 }; второй вернул { $second }, затем exit_code() = { $code2 } и pid() = { $pid2 } (у дочернего процесса был PID { $pid })
    .expected = второй join() сразу возвращает Ok(()); exit_code() остаётся { $code1 }, а pid() — Some({ $pid })
    .why = возможно, join() снова ждёт дочерний процесс, которого уже дождались (тогда waitpid завершается ошибкой ECHILD, или Child из std возвращает ошибку); или забирает Child из Process, и второй join не находит запущенного процесса. Сохраните статус, который увидел первый join, и возвращайте Ok(()), если он уже есть, как это делает join() в Python

## is_alive_without_blocking

ex03-step-is-alive = is_alive() процесса, который спит { $sleep } ms
ex03-is-alive-before-start =
    .observed = is_alive() для Process, который так и не запустили: { $answer }
    .expected = false: дочернего процесса нет, значит, живого нет
    .why = возможно, is_alive() делает unwrap для Child (или PID), который устанавливает только start(); незапущенный Process не жив, как и в Python
ex03-is-alive-blocks =
    .observed = is_alive() для дочернего процесса, который спит { $sleep } ms, отвечала { $took } ms ({ $running })
    .expected = ответ сразу, без ожидания дочернего процесса
    .why = возможно, is_alive() ждёт дочерний процесс (Child::wait), вместо того чтобы спросить о его состоянии (Child::try_wait, waitpid с WNOHANG)
ex03-is-alive-false-while-running =
    .observed = is_alive() = false сразу после start() для дочернего процесса, который спит { $sleep } ms
    .expected = true
    .why = возможно, is_alive() понимает ответ наоборот (try_wait() даёт Ok(None), пока дочерний процесс работает) или смотрит на статус, который устанавливает только join()
ex03-is-alive-true-for-zombie =
    .observed = is_alive() = true для дочернего процесса, который уже завершился (/proc показал его зомби: завершился, но его ещё не дождались)
    .expected = false, как только дочерний процесс завершился, — вызывали для него join() или нет
    .why = возможно, is_alive() лишь проверяет, что PID существует (kill(pid, 0) или /proc/PID), а для зомби это верно, пока его не дождутся; или отвечает по тому, что сохранила join(). Child::try_wait() отличает завершившийся дочерний процесс от работающего
ex03-exit-code-before-join =
    .observed = exit_code() = Some({ $code }) после того, как is_alive() увидела, что дочерний процесс завершился, но до вызова join()
    .expected = None до join() (потом Some(0))
    .why = возможно, is_alive() сохраняет статус, который вернула try_wait(), там, откуда его читает exit_code(); сохранить его для join() можно, но код завершения выдаётся только после join(), как в Python (exitcode устанавливает join)
ex03-exit-code-after-join =
    .observed = после того, как is_alive() увидела завершение дочернего процесса и join() вернулась, exit_code() = { $code }
    .expected = Some(0): точка входа вернула 0
    .why = возможно, join() не сохраняет статус, который уже забрала is_alive() (try_wait): код завершения дочернего процесса забирают только один раз, поэтому тот, кто его забрал, должен сохранить статус для join()

## все проверки: запуск кода студента (run_steps, started, joined, child_pid)

ex03-step-panicked =
    .observed = код запаниковал во время шага «{ $what }»: { $message }
    .expected = никакой паники
    .why = паника здесь означает ошибку в Process (или ещё не написанный todo!())
ex03-step-ended =
    .observed = шаг «{ $what }» завершился без результата
    .expected = результат
    .why = внутренняя ошибка проверки
ex03-step-timed-out =
    .observed = шаг «{ $what }» не завершился и через { $seconds } s
    .expected = каждый шаг завершается за секунду
    .why = join() (или Drop, или start()) блокировалась гораздо дольше, чем работает дочерний процесс: ждите сам дочерний процесс (Child::wait), а не то, что никогда не случится
ex03-start-err =
    .observed = start() вернула Err({ $error })
    .expected = Ok(())
    .why = start() должна запустить std::env::current_exe(); возможно, вместо этого она запускает argv[0] (std::env::args().next()), а это путь к программе, только если её запустили по пути: эту запустили как `{ $argv0 }`, так же как запускается программа, найденная через PATH
ex03-join-err =
    .observed = join() вернула Err({ $error })
    .expected = Ok(())
    .why = join() дожидается запущенного дочернего процесса
ex03-pid-none =
    .observed = pid() вернула None после start()
    .expected = Some(PID дочернего процесса)
    .why = после запуска pid() должна возвращать PID дочернего процесса (Child::id())
ex03-pid-is-own =
    .observed = pid() вернула собственный PID checker: { $own }
    .expected = PID нового дочернего процесса
    .why = start() должна создать новый процесс (std::process::Command на std::env::current_exe()), а не выполнять точку входа в потоке
ex03-pid-not-a-child =
    .observed = pid() вернула { $pid }, но это не дочерний процесс checker (его родитель: { $parent })
    .expected = PID дочернего процесса для PID { $own }
    .why = pid() должна возвращать PID запущенного дочернего процесса (Child::id())

# Что говорит студенту сам pack_support, для всех упражнений (см. src/text.rs).

## lib.rs: запуск проверки

support-panicked =
    .observed = код запаниковал: { $message }
    .expected = никакой паники
    .why = паника во время проверки значит, что проверяемый код наткнулся на ошибку (или на todo!(), который ещё не написан)

## timing.rs: проверка времени, измеренная в несколько попыток

support-too-busy = машина была слишком занята, чтобы измерить: { $count } { $count ->
        [one] попытка
        [few] попытки
       *[many] попыток
    } ({ $summaries }): { $doubt }
support-not-set-up = ситуацию не удалось создать на этой машине: { $count } { $count ->
        [one] попытка
        [few] попытки
       *[many] попыток
    } ({ $summaries }): { $doubt }
support-measured-times = { $observed } (измерено { $count } { $count ->
        [one] раз
        [few] раза
       *[many] раз
    }: { $summaries })

## net.rs: как показываются байты

support-bytes-in-all = ... (всего { $count } { $count ->
        [one] байт
        [few] байта
       *[many] байт
    })
support-quoted = "{ $escaped }" ({ $count } { $count ->
        [one] байт
        [few] байта
       *[many] байт
    })
support-diff-missing = первые { $at } { $at ->
        [one] байт
        [few] байта
       *[many] байт
    } верны, затем не хватает { $missing } { $missing ->
        [one] байта
       *[other] байт
    } (ожидалось { $window })
support-diff-extra = первые { $at } { $at ->
        [one] байт
        [few] байта
       *[many] байт
    } верны, затем { $extra } { $extra ->
        [one] лишний байт
        [few] лишних байта
       *[many] лишних байт
    }: { $window }
support-diff-differ = расхождение начинается с байта { $at } (счёт с 0): ожидалось { $expected }, получено { $received }

## net.rs: разговоры по соединению

support-nothing-more-arrived = до истечения срока больше ничего не пришло
support-connection-closed = соединение закрыто
support-more-bytes-arrived = пришло больше { $max } { $max ->
        [one] байта
       *[other] байт
    }
support-stop-closed = после чего соединение закрылось
support-stop-timed-out = после чего до истечения срока больше ничего не пришло
support-stop-reset = после чего соединение было сброшено
support-stop-failed = после чего чтение завершилось ошибкой: { $error }
support-received = получено { $got }
support-expect-stopped = , { $stop } (через { $ms } ms после начала чтения)
support-expect-bytes =
    .observed = { $observed }
    .expected = { $expected } не позже чем через { $ms } ms
    .why = TCP-соединение — это поток байтов: каждый байт должен дойти без изменений и по порядку (кусками любого размера)
support-doing-connecting = подключение к серверу
support-doing-cloning = клонирование соединения
support-far-more-bytes = обратно пришло намного больше байтов, чем было отправлено
support-ipv4-expected = ожидался адрес IPv4
support-checker-trouble =
    .observed = сбой в самой проверяющей программе ({ $doing }): { $error }
    .expected = системные вызовы для сокетов в проверяющей программе работают
    .why = это проблема проверяющей программы или машины, а не вашего кода; пожалуйста, сообщите о ней
support-reset-storm-done = два клиента сбросили свои соединения (один — посреди строки, другой — пока сервер писал ему эхо: этот клиент отправлял строки, не читая ответа, пока его запись не остановилась)
support-reset-storm-exited =
    .observed = после того как { $done }, { $exit }
    .expected = сервер закрывает эти соединения и продолжает обслуживать остальных клиентов
    .why = ошибка одного соединения (ECONNRESET при чтении, EPIPE или ECONNRESET при записи) завершила весь сервер. Возможно, ошибка возвращается из цикла обслуживания через `?` или в коде, обслуживающем клиента, на ней вызывается unwrap(); а ведь такая ошибка значит лишь, что этот клиент ушёл: сообщите о ней в stderr и продолжайте работать с остальными

## net.rs: попытка подключения, которая зависает

support-hang-refused = подключение к слушающему сокету с заполненной очередью сразу завершилось ошибкой, а не зависло: { $error }
support-hang-accepted = слушающий сокет с backlog 0, который никогда не вызывает accept, принял 8 подключений, но так и не заставил ждать 9-е
support-hang-cannot = на этой машине не удалось сделать попытку подключения, которая зависает: { $error }
support-hang-summary = зависающего подключения не получилось

## net.rs: клиент, который не читает

support-deaf-measured = клиент, который не читает, отправил { $kib } KiB за { $ms } ms, прежде чем его запись остановилась
support-deaf-not-stalled = буферы сокетов этой машины вместили все { $mib } MiB, которые клиент отправил, ничего не читая: проверке не удалось их заполнить
support-deaf-could-not-connect = клиент, который не будет читать, не смог подключиться: { $observed }
support-checker-receive-buffer =
    .observed = проверяющей программе не удалось задать размер буфера приёма своего сокета: { $error }
    .expected = исправно работающая проверяющая программа
    .why = это проблема машины, а не вашего кода
support-checker-clone =
    .observed = проверяющей программе не удалось клонировать свой сокет: { $error }
    .expected = исправно работающая проверяющая программа
    .why = это проблема машины, а не вашего кода
support-deaf-send-failed =
    .observed = клиент, отправлявший строки без чтения эха, не смог продолжить отправку после { $sent } { $sent ->
        [one] байта
       *[other] байт
    }: { $error }
    .expected = соединение остаётся открытым
    .why = { $why }
support-deaf-keep-open = сервер должен держать соединение открытым, пока клиент отправляет данные, — читает этот клиент ответ или нет
support-beside-who = соседний клиент { $k }
support-beside-changed =
    .observed = { $who } отправил { $line } и получил { $got }
    .expected = в ответ ровно { $line }
    .why = { $why }
support-beside-sipped = , а потом прочитал из него только { $kib } KiB (медленный читатель)
support-nothing-back = ничего
support-only-back = только { $got }
support-beside-stalled =
    .observed = { $deaf }{ $sipped }; затем другой клиент отправил { $line }, и за { $ms } ms в ответ пришло: { $got }{ $exit }
    .expected = любая другая строка возвращается не позже чем через { $ms } ms, читает ли один из клиентов ответ или нет
    .why = { $why }
support-beside-cut-off =
    .observed = { $who } отправил { $line } и получил { $got }, { $stop }
    .expected = в ответ { $line }, и соединение остаётся открытым
    .why = { $why }
support-deaf-read-cut =
    .observed = клиент, отправивший { $complete } { $complete ->
        [one] байт
        [few] байта
       *[many] байт
    } полных строк без чтения, затем начал читать и получил обратно { $got } { $got ->
        [one] байт
        [few] байта
       *[many] байт
    }, { $stop }
    .expected = все { $complete } { $complete ->
        [one] байт
        [few] байта
       *[many] байт
    } обратно не позже чем через { $secs } s после того, как клиент начал читать
    .why = { $why }
support-deaf-read-wrong =
    .observed = клиент, отправивший { $complete } { $complete ->
        [one] байт
        [few] байта
       *[many] байт
    } строк без чтения, затем начал читать: после { $got } { $got ->
        [one] верного байта
       *[other] верных байт
    }: { $diff }
    .expected = каждая строка возвращается в точности и по порядку
    .why = { $why }

## net.rs: что напечатала программа

support-bytes-not-kept = (не сохранено байт: { $count })
support-printed-nothing = ничего
support-printed-stdout = в stdout: { $out }
support-printed-stderr = в stderr: { $err }
support-printed-both = в stdout: { $out }; в stderr: { $err }

## net.rs: сервер студента

support-server-not-started =
    .observed = не удалось запустить `{ $command }`: { $error }
    .expected = программа, которая запускается
    .why = проверяющая программа запускает ваш скомпилированный бинарный файл как сервер
support-server-exited-early =
    .observed = сервер завершился ({ $status }) через { $ms } ms после запуска, не обслужив ни одного клиента; его вывод: { $printed }
    .expected = `{ $command }` слушает 127.0.0.1:{ $port } и работает, пока его не остановят
    .why = { $why }
support-server-not-listening =
    .observed = сервер не начал слушать порт { $port } за { $secs } s; его вывод: { $printed }
    .expected = `{ $command }` начинает слушать 127.0.0.1:{ $port } не позже чем через { $secs } s
    .why = сервер привязывает слушающий сокет к порту из --port (TcpListener::bind(("127.0.0.1", port))) сразу после запуска, до всего, что может занять время
support-listens-wrong-address = он слушает { $list }: порт правильный, но адрес не 127.0.0.1
support-listens-wrong-port = он слушает { $list }, а не порт { $port }
support-server-listens-elsewhere =
    .observed = сервер не начал слушать 127.0.0.1:{ $port } за { $secs } s: { $what }
    .expected = `{ $command }` слушает 127.0.0.1:{ $port }
    .why = сервер должен привязаться к порту из --port на адресе loopback 127.0.0.1: к фиксированному порту или другому адресу проверяющая программа подключиться не сможет
support-server-had-exited = сервер (PID { $pid }) уже завершился ({ $status }); его вывод: { $printed }
support-connect-failed-exited =
    .observed = подключиться к 127.0.0.1:{ $port } не удалось ({ $error }): { $exit }
    .expected = сервер (`{ $command }`) принимает подключение
    .why = сервер работает и принимает клиентов, пока его не остановят; ошибка при обслуживании одного клиента (или паника) не должна завершать весь сервер
support-connect-failed-running =
    .observed = подключиться к 127.0.0.1:{ $port } не удалось: { $error } (сервер, PID { $pid }, всё ещё работает)
    .expected = сервер (`{ $command }`) принимает подключение
    .why = сервер должен держать свой слушающий сокет открытым и продолжать принимать подключения
support-server-survived-sigterm =
    .observed = сервер (PID { $pid }) всё ещё работал через { $secs } s после SIGTERM; его пришлось убить сигналом SIGKILL
    .expected = сервер завершается, получив SIGTERM
    .why = SIGTERM просит процесс остановиться; по умолчанию этот сигнал завершает процесс. Обработчик, который перехватывает SIGTERM, должен остановить сервер, а не игнорировать сигнал
support-port-still-in-use =
    .observed = порт { $port } всё ещё был занят через 1 s после завершения сервера (PID { $pid })
    .expected = как только сервера не стало, порт { $port } снова можно занять (bind)
    .why = когда сервер завершается, его слушающий сокет закрывается вместе с ним; значит, порт держит процесс, запущенный сервером (дочерний процесс, унаследовавший сокет)
support-exit-code = код завершения: { $code }
support-exit-signal = сигнал: { $signal }
support-exited-todo = сервер запаниковал на todo!(): напишите функцию, которую он вызывает
support-exited-panicked = сервер запаниковал, ещё не начав слушать порт: см. сообщение о панике выше
support-exited-addr-in-use = привязать порт не удалось: порт занят (другой сервер ещё работает?)
support-exited-on-its-own = сервер привязывается к своему порту, а затем в цикле принимает клиентов, пока работает; сам по себе он завершаться не должен

## net.rs: клиент студента

support-on-stderr = ; в stderr:
support-client-todo = программа запаниковала на todo!(): напишите функцию, которую она вызывает (см. сообщение о панике)
support-client-panicked = программа запаниковала: см. сообщение о панике в её stderr
support-client-killed = всё ещё работала через { $ms } ms, и проверяющая программа её убила
support-unknown-exit = неизвестный исход

## net.rs: фразы, общие для проверок со множеством клиентов

support-with-exit = { $why }. Примечание: { $exit }
support-ranges = { $count ->
        [1] клиент
       *[other] клиенты
    } { $list }

## echo.rs

support-could-not-connect = { $who } не смог подключиться: { $observed }
support-client-of = клиент { $i } из { $n }
support-could-not-send =
    .observed = { $who } не смог отправить { $line }: { $error }
    .expected = соединение остаётся открытым, пока клиент его не закроет
    .why = { $why }
support-keep-each-open = сервер должен держать каждое соединение открытым, пока клиент его не закроет
support-echo-changed =
    .observed = { $who } отправил { $line } и получил { $got }: { $diff }
    .expected = в ответ ровно { $line }
    .why = { $why }
support-echo-exact = сервер отправляет каждую строку обратно в точности такой, какой её получил, байт в байт
support-echo-cut-off =
    .observed = { $who } отправил { $line } и получил { $got }, { $stop }
    .expected = в ответ { $line } не позже чем через { $secs } s, и соединение остаётся открытым
    .why = { $why }
support-echo-keep-open = сервер отправляет каждую строку обратно, как только она пришла целиком, и держит соединение открытым, пока клиент его не закроет

## cpu.rs

support-usage = использовал { $cpu_ms } ms процессорного времени за { $wall_ms } ms ({ $percent } % ядра) и просыпался { $sleeps } { $sleeps ->
        [one] раз
        [few] раза
       *[many] раз
    }
support-usage-runnable = { $usage }, а готов к выполнению (не спал) был в { $percent } % из { $looks } { $looks ->
        [one] проверки
       *[other] проверок
    }
support-idle = { $usage }, в { $moments } { $moments ->
        [one] отдельный момент
        [few] отдельных момента
       *[other] отдельных моментов
    }, а самый занятый его поток был готов к выполнению (не спал) в { $percent } % из { $looks } { $looks ->
        [one] проверки
       *[other] проверок
    }
support-idle-it-was-gone = процесса уже нет
support-idle-gone =
    .observed = не удалось понаблюдать за сервером в простое; { $exit }
    .expected = сервер продолжает работать, пока к нему подключены клиенты
    .why = сервер должен обслуживать клиентов, пока его не остановят
support-idle-measured = сервер в простое { $situation }: { $seen }
support-idle-busy =
    .observed = { $situation }, сервер { $seen }
    .expected = почти никакого процессорного времени и пробуждения не чаще примерно раза в секунду: сервер в простое спит в ядре, пока какой-нибудь сокет не станет готов
    .why = { $why }
support-idle-busy-no-timer =
    .observed = { $situation }, сервер { $seen }
    .expected = почти никакого процессорного времени и никаких повторяющихся пробуждений: когда делать нечего, сервер спит в ядре (poll без тайм-аута), пока какой-нибудь сокет не будет готов
    .why = { $why }
support-cpu-note = , и за это время процесс использовал { $cpu_ms } ms процессорного времени за { $wall_ms } ms (какой-то поток крутится в цикле)

## metrics.rs: ответы

support-reply-not-utf8 = это не текст в UTF-8 ({ $error })
support-reply-no-empty-line = он не заканчивается пустой строкой (\n\n)
support-reply-error-lines = после `error` должна идти ровно одна строка — сообщение
support-reply-first-line = его первая строка — { $first }, а не `ok` или `error`
support-reply-empty = он пуст
support-sample-fields = в строке { $line } { $count } { $count ->
        [one] поле
        [few] поля
       *[many] полей
    } через одиночный пробел, а должно быть 3 (<key> <value> <timestamp>)
support-sample-no-key = в строке { $line } нет допустимого ключа
support-sample-value = в строке { $line } значение { $value } — не число
support-sample-timestamp = в строке { $line } метка времени { $timestamp } — не целое число
support-no-measurement-line = ни одной строки с измерением
support-received-nothing = ничего не получено

## metrics.rs: нагрузка

support-load-summary = ответ получен на { $answered } из { $expected } { $expected ->
        [one] запроса
       *[other] запросов
    } от { $clients } { $clients ->
        [one] клиента
       *[other] клиентов
    } за { $ms } ms ({ $rate }/s); задержка p50 { $p50 }, p99 { $p99 }, max { $max }
support-load-could-not-connect = клиент { $i } не смог подключиться: { $error }
support-load-client-error = клиент { $number } (ответов до этого: { $answered }): { $what }
support-load-stopped-accepting = соединение перестало принимать байты
support-load-send-failed = отправка не удалась: { $error }
support-load-server-closed = сервер закрыл соединение
support-load-receive-failed = приём не удался: { $error }
support-load-unasked-reply = пришёл ответ, которого не просил ни один запрос: { $reply }
support-load-wrong-reply = отправлено "{ $request }", ожидалось { $expected }, получено { $got }
support-load-too-long = пришло больше { $max } { $max ->
        [one] байта
       *[other] байт
    }, а ответ так и не закончился

## rng.rs

support-replay-hint = зерно { $seed } (чтобы повторить: { $variable }={ $seed } checker submit { $exercise })

## watch.rs

support-panic-without-message = (паника без сообщения)

## shared/explore.rs

support-explore-random = случайный планировщик shuttle
support-explore-pct = планировщик PCT из shuttle, глубина { $depth }
support-explore-found = найдено в расписании { $index } из { $schedules } ({ $strategy }; повторить: { $variable }={ $token } checker submit { $exercise })
support-explore-measured = перебрано расписаний: { $total }, ни в одном нет ошибки
support-explore-replayed = повторено только расписание { $token }, как просит { $variable }={ $token }
support-explore-bad-token =
    .observed = { $panic }
    .expected = токен, который напечатала непрошедшая проверка, например random:5:37
    .why = скопируйте токен из отчёта проверки или уберите переменную, чтобы перебрать все расписания
support-explore-replay-passed =
    .observed = { $how }: ошибки не случилось
    .expected = проверка перебирает сотни расписаний, а повтор запускает только одно
    .why = повтор воспроизводит лишь одно расписание, поэтому проверку он никогда не засчитывает: уберите { $variable }, чтобы перебрать все расписания
support-deaf-stalled = один клиент отправил { $kib } KiB строк, не читая эха, пока его запись не остановилась
support-deaf-half-closed = один клиент отправил { $kib } KiB строк и одну незаконченную, не читая эха, а затем закрыл свою сторону на запись (сервер получил конец файла, когда бо́льшая часть эха ещё ждала отправки)
support-half-closed-measured = клиент отправил { $kib } KiB, не читая эха, и закрыл свою сторону на запись; в буферах ядра тогда было { $queued_kib } KiB эха, остальное — в сервере
support-waits-call = { $call } на дескрипторе { $fd } ({ $times } { $times ->
        [one] раз
        [few] раза
       *[other] раз
    })
support-waits-meanwhile = ; тем временем потоки сервера были замечены спящими в { $seen }
support-waits-why = { $blocking }. Другие возможные причины: { $otherwise }
support-blocking-in-task-why = потоки среды выполнения были замечены спящими в чтении или записи сокета: блокирующий вызов std внутри задачи (std::net или std::io на соединении, сокет, снова переведённый в блокирующий режим, into_std) держит свой рабочий поток, пока его клиент молчит, а когда заняты все рабочие потоки, не выполняется ни одна другая задача, сколько бы их ни было создано. Используйте TcpStream из tokio с AsyncReadExt/AsyncWriteExt (или BufReader из tokio) и ждите каждый вызов через await

## accept.rs: a failed accept, provoked from outside

support-accept-limit-not-lowered =
    .observed = программе проверки не удалось понизить предел дескрипторов сервера: { $error }
    .expected = исправная программа проверки
    .why = это проблема машины, а не вашего кода
support-accept-listener-closed = его слушающий сокет был закрыт (подключение клиента { $i } отклонено), а сервер, PID { $pid }, продолжал работать
support-accept-line-back = обратно { $line }
support-accept-wrong-reply =
    .observed = когда предел дескрипторов сервера понизили до { $limit } (открыто { $open }), клиент { $i } отправил { $line } и получил { $got }
    .expected = { $reply } — или никакого ответа, пока не освободится дескриптор
    .why = принятое сервером соединение обслуживается; то, которое он пока не может принять, ждёт в очереди listen
support-accept-never-failed = предел дескрипторов сервера понизили до { $limit } (открыто { $open }), но ответ получили все клиенты ({ $served }): accept ни разу не завершился ошибкой
support-accept-waiting-not-served =
    .observed = когда предел дескрипторов сервера понизили до { $limit } (открыто { $open }), клиента { $i } не удалось принять; затем { $left } из { $kept } обслуженных клиентов ушли, и за { $secs } s клиент { $i } получил { $got }
    .expected = { $reply }, как только дескрипторы снова свободны
    .why = { $why }
support-accept-newcomer = клиент, подключившийся позже
support-accept-measured = предел дескрипторов понижен до { $limit } при { $open } открытых: обслужено клиентов: { $kept }, клиент { $i } ждал, пока другие уйдут, затем был обслужен
support-accept-spins =
    .observed = когда предел дескрипторов сервера был снижен до { $limit } (открыто { $open }), а клиент { $i } ждал, пока его примут (accept завершался ошибкой EMFILE, «Too many open files»), сервер { $seen }
    .expected = сервер ждёт: почти не тратит процессорное время, пока не может принять соединение, и просыпается не чаще чем раз в несколько миллисекунд
    .why = { $why }
support-accept-stopped =
    .observed = предел дескрипторов сервера понизили до { $limit } (открыто { $open }); обслужено клиентов: { $served }, затем клиента { $i } не удалось принять (accept завершился ошибкой EMFILE, «Too many open files»); { $exit }
    .expected = сервер продолжает работу: когда часть клиентов уйдёт и дескрипторы освободятся, он снова принимает соединения
    .why = { $why }

# Что скрытые проверки ex10_timeouts говорят студенту (см. pack/support/src/text.rs).

## helpers: запуск клиента и его единственная строка

ex10-client-not-started =
    .observed = клиент не удалось запустить: { $error }
    .expected = программа, которая запускается
    .why = проверяющая программа запускает ваш скомпилированный двоичный файл
ex10-never-connected =
    .observed = `{ $command }` так и не подключился к серверу проверяющей программы на 127.0.0.1:{ $port }; он завершился так: { $status }{ $stderr_note }
    .expected = { $expected }
    .why = клиент подключается к --host (по умолчанию 127.0.0.1) и --port
ex10-never-connected-expected-reply = соединение, после которого клиент ждёт ответа не дольше --timeout-ms
ex10-never-connected-expected-reset = соединение, а затем `error: reset`, когда сервер его сбрасывает
ex10-not-one-line =
    .observed = `{ $command }` напечатал { $stdout } и завершился так: { $status }{ $stderr_note }
    .expected = ровно одна строка в stdout: `reply: ...` или `error: refused` / `error: timed out` / `error: reset`
    .why = main.rs печатает одну строку для Result, который возвращает request(): оставьте это как есть и больше ничего не печатайте в stdout (для заметок есть eprintln!)
ex10-why-refused-not-timeout = сервер принял соединение (значит, он слушает порт) и просто не ответил: это тайм-аут, а не отказ. ConnectionRefused бывает, только когда порт никто не слушает
ex10-why-reset-not-timeout = соединение никто не сбрасывал: сервер держал его открытым и молчал. Чтение, которое ждёт дольше тайм-аута чтения, завершается ошибкой WouldBlock (на некоторых системах TimedOut): classify() переводит обе в NetError::TimedOut
ex10-why-timeout-not-refused = отказ в соединении — не тайм-аут: этот порт никто не слушает, система сразу ответила ConnectionRefused, и ждать дольше бесполезно. classify() должна переводить ErrorKind::ConnectionRefused в NetError::Refused, чтобы пользователь понял, что сервер не запущен
ex10-why-reset-not-refused = в соединении было отказано (ConnectionRefused: этот порт никто не слушает); reset означает, что уже установленное соединение было разорвано
ex10-why-timeout-not-reset = сервер сбросил соединение, а клиент сообщил о тайм-ауте: сброс — не тайм-аут. Клиент не ждал впустую, это сервер разорвал соединение. ConnectionReset (а также BrokenPipe при записи после сброса и ConnectionAborted) — это NetError::Reset
ex10-why-refused-not-reset = сервер принял соединение, а потом сбросил его: refused — только для соединения, которое никто не принял (ConnectionRefused); ConnectionReset — это NetError::Reset
ex10-why-timeout-printed-as-other = connect_timeout завершается ошибкой ErrorKind::TimedOut (тайм-аут чтения на Linux даёт WouldBlock): classify() переводит обе в NetError::TimedOut, который печатается ровно как `timed out`; здесь же была напечатана сама io::Error (NetError::Other)
ex10-why-broken-pipe-printed-as-other = сервер сбросил соединение, пока клиент ещё писал своё сообщение: запись после сброса завершается ошибкой BrokenPipe (EPIPE), а не ConnectionReset (так сообщает Linux, когда сервер перед этим закрыл свою сторону). classify() переводит BrokenPipe, ConnectionReset и ConnectionAborted в NetError::Reset
ex10-why-write-error-not-reported = сервер сбросил соединение, пока клиент ещё писал своё сообщение: запись после сброса завершается ошибкой (BrokenPipe или ConnectionReset), и эта ошибка и есть результат — write_all(..).map_err(classify)?, до shutdown и до чтения. classify() переводит BrokenPipe, ConnectionReset и ConnectionAborted в NetError::Reset
ex10-why-error-as-reply = ошибка не должна выглядеть как пустой ответ: request() возвращает Err(NetError), когда не удаётся подключиться, записать или прочитать, и main.rs печатает `error: { $right }`. Не игнорируйте ошибку read_to_end
ex10-why-report-by-kind = о сбое нужно сообщать по его виду: `error: { $right }` (classify() переводит io::ErrorKind в NetError)
ex10-expected-error-line = ровно `error: { $kind }` в stdout и ненулевой код завершения
ex10-wrong-report =
    .observed = { $situation }; `{ $command }` напечатал `{ $line }` через { $elapsed } ms и завершился так: { $status }{ $stderr_note }
    .expected = { $expected }
    .why = { $why }
ex10-exit-status-zero =
    .observed = { $situation }; `{ $command }` напечатал `{ $line }`, но завершился так: { $status }
    .expected = { $expected }
    .why = программа, у которой ничего не вышло, сообщает об этом кодом завершения (main.rs выходит с кодом 1, когда request() возвращает Err): на это полагаются скрипты
ex10-machine-loaded = машина была нагружена ({ $summary })

## client_read_timeout

ex10-read-situation = сервер проверяющей программы принял соединение, получил { $received } и так и не ответил
ex10-read-summary = сдался через { $waited } ms после того, как соединение было принято (через { $waited_at_least } ms после запуска процесса); --timeout-ms { $timeout }; машина при этом будила потоки с опозданием до { $late } ms
ex10-read-too-early =
    .observed = { $situation }; клиент сдался через { $waited } ms
    .expected = клиент сдаётся через --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = клиент сдался слишком рано: тайм-аут чтения — это само значение --timeout-ms (set_read_timeout(Some(timeout))); с более коротким клиент бросает серверы, которые просто медленно отвечают
ex10-accept-noticed-late = принятие соединения было замечено с опозданием ({ $summary })
ex10-read-too-late =
    .observed = { $situation }; клиент ждал { $waited } ms, прежде чем сказать `error: timed out`
    .expected = клиент сдаётся через --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = клиент ждал слишком долго: чтение должно сдаваться через --timeout-ms (set_read_timeout(Some(timeout)) перед чтением), а не после более долгого или повторного ожидания — каждая лишняя секунда впустую задерживает пользователя

## client_refused

ex10-refused-situation = порт 127.0.0.1:{ $port } никто не слушает, поэтому в соединении сразу отказано
ex10-refused-killed =
    .observed = { $situation }; `{ $command }` всё ещё работал через { $after } ms (--timeout-ms { $timeout }), и его завершили принудительно
    .expected = ровно `error: refused` в stdout, сразу, и ненулевой код завершения
    .why = отказ в соединении приходит сразу, как ConnectionRefused: сообщите о нём, не повторяйте попытку и не ждите
ex10-refused-summary = сказал `error: refused` через { $elapsed } ms (--timeout-ms { $timeout }); пробуждения с опозданием до { $late } ms
ex10-refused-slow =
    .observed = { $situation }; `{ $command }` сказал `error: refused`, но только через { $elapsed } ms
    .expected = `error: refused` сразу (в пределах { $at_once } ms, включая запуск процесса)
    .why = отказ приходит сразу (ConnectionRefused): там никто не слушает, и повторные попытки (после паузы или до истечения тайм-аута) заставляют пользователя ждать ответа, который у клиента уже есть

## client_reset

ex10-reset-situation-after = сервер проверяющей программы принял соединение, прочитал { $received } и через { $after } ms сбросил его (RST)
ex10-reset-situation = сервер проверяющей программы принял соединение, прочитал { $received } и сбросил его (RST)
ex10-reset-killed =
    .observed = { $situation }; `{ $command }` всё ещё работал через { $after } ms после запуска, и его завершили принудительно
    .expected = ровно `error: reset` в stdout и ненулевой код завершения
    .why = сброс сразу обрывает соединение: следующее чтение или запись завершается ошибкой ConnectionReset (или BrokenPipe); сообщите о ней, а не ждите

## client_host_option

ex10-host-cannot-bind = на этой машине нельзя привязаться к 127.0.0.2 (на Linux это адрес loopback)
ex10-host-ignored =
    .observed = эхо-сервер проверяющей программы слушал только 127.0.0.2:{ $port }; `{ $command }` вместо этого подключился к 127.0.0.1:{ $port } и напечатал `{ $line }`
    .expected = ровно `reply: { $message }` (сервер на 127.0.0.2:{ $port } возвращает эхо)
    .why = --host был проигнорирован: клиент подключается к (host, port), как они заданы в командной строке — (host, port).to_socket_addrs(), затем connect_timeout к полученному адресу, — а не к всегда одному и тому же 127.0.0.1
ex10-host-wrong-reply =
    .observed = эхо-сервер проверяющей программы слушал 127.0.0.2:{ $port }; `{ $command }` напечатал `{ $line }` и завершился так: { $status }{ $stderr_note }
    .expected = ровно `reply: { $message }` (сервер на 127.0.0.2:{ $port } возвращает эхо)
    .why = клиент подключается к --host на порт --port: разрешите (host, port) через to_socket_addrs() и подключитесь к полученному адресу
ex10-localhost-cannot-listen = имя `localhost` здесь не разрешается в такие адреса loopback, на всех из которых проверяющая программа могла бы слушать
ex10-and = {" "}и{" "}
ex10-localhost-not-resolved =
    .observed = эхо-сервер проверяющей программы слушал { $addrs } (адреса, в которые разрешается localhost); `{ $command }` напечатал `{ $line }` и завершился так: { $status }{ $stderr_note }
    .expected = ровно `reply: { $message }`
    .why = --host может быть как адресом, так и именем: (host, port).to_socket_addrs() разрешает имя (localhost, example.org) и разбирает адрес; parse::<SocketAddr>() и parse::<IpAddr>() понимают только числовые адреса

ex10-why-no-half-close = клиент подключился к нужному серверу, но так и не закрыл свою сторону на запись: эхо-сервер отвечает, пока не увидит конец потока от клиента, поэтому ждал продолжения, а клиент ждал ответа, который кончается только закрытием со стороны сервера. Записав сообщение, вызовите stream.shutdown(Shutdown::Write), затем читайте, пока read не вернёт 0

## client_reads_the_whole_reply

ex10-pieces-expected = он подключается, отправляет сообщение, закрывает свою сторону на запись и печатает `reply: { $reply }`
ex10-pieces-cut =
    .observed = `{ $command }` с сервером программы проверки, который ответил { $count } частями с паузами { $pause } ms между ними (--timeout-ms клиента { $timeout }) и затем закрыл соединение, напечатал: { $line }
    .expected = reply: { $reply }
    .why = ответ — это всё, что сервер присылает до закрытия, а не то, что вернул один read(): read отдаёт то, что уже пришло, здесь только первую часть. Читайте в цикле, пока read не вернёт 0 (или используйте read_to_end), и только потом печатайте

## client_connect_timeout

ex10-connect-situation = слушающий сокет проверяющей программы на 127.0.0.1:{ $port } так и не ответил на попытку соединения (его очередь была заполнена, и система отбросила SYN, как если бы машина была выключена)
ex10-connect-killed =
    .observed = { $situation }; `{ $command }` всё ещё работал через { $after } ms (--timeout-ms { $timeout }), и его завершили принудительно
    .expected = ровно `error: timed out` через --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = TcpStream::connect, когда никто не отвечает, ждёт до предела самой системы (на Linux около двух минут): подключайтесь через TcpStream::connect_timeout(&addr, timeout), который по истечении тайм-аута сдаётся с ErrorKind::TimedOut
ex10-connect-summary = сказал `error: timed out` через { $took } ms после запуска; --timeout-ms { $timeout }; пробуждения с опозданием до { $late } ms
ex10-connect-too-early =
    .observed = { $situation }; клиент сдался через { $took } ms
    .expected = `error: timed out` через --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = клиент слишком рано перестал пытаться подключиться: тайм-аут подключения — это само значение --timeout-ms (connect_timeout(&addr, timeout))
ex10-connect-too-late =
    .observed = { $situation }; клиент сказал `error: timed out` только через { $took } ms
    .expected = `error: timed out` через --timeout-ms { $timeout } ms ± 20% ({ $lo }–{ $hi } ms)
    .why = подключение ждало слишком долго: его тайм-аут — это --timeout-ms (connect_timeout(&addr, timeout)), а не фиксированное значение или кратное ему и не несколько попыток подряд

## client_broken_pipe

ex10-message-placeholder = <сообщение размером { $bytes } { $bytes ->
        [one] байт
        [few] байта
       *[many] байт
    }>
ex10-broken-pipe-message-fitted = сообщение клиента размером { $bytes } { $bytes ->
        [one] байт
        [few] байта
       *[many] байт
    } целиком поместилось в буферы сокетов этой машины (в них лежало { $written } { $written ->
        [one] байт
        [few] байта
       *[many] байт
    }), так что в момент сброса сервером никакой записи не шло
ex10-broken-pipe-situation-after = клиент писал сообщение размером { $bytes } { $bytes ->
        [one] байт
        [few] байта
       *[many] байт
    }; сервер проверяющей программы не прочитал из него ничего (его буферы заполнились после { $written } { $written ->
        [one] байта
       *[other] байт
    }), затем закрыл свою сторону соединения и через { $after } ms после принятия сбросил его (RST)
ex10-broken-pipe-situation = клиент писал сообщение размером { $bytes } { $bytes ->
        [one] байт
        [few] байта
       *[many] байт
    }; сервер проверяющей программы не прочитал из него ничего (его буферы заполнились после { $written } { $written ->
        [one] байта
       *[other] байт
    }), затем закрыл свою сторону соединения и сбросил его (RST)
ex10-broken-pipe-killed =
    .observed = { $situation }; `{ $command }` всё ещё работал через { $after } ms после запуска, и его завершили принудительно
    .expected = ровно `error: reset` в stdout и ненулевой код завершения
    .why = сброс сразу обрывает соединение: идущая запись завершается ошибкой BrokenPipe (или ConnectionReset); сообщите о ней, а не ждите

## client_write_timeout

ex10-write-situation = сервер проверяющей программы принял соединение и ничего не читал, поэтому сообщение клиента размером { $bytes } { $bytes ->
        [one] байт
        [few] байта
       *[many] байт
    } остановилось после { $written } { $written ->
        [one] байта
       *[other] байт
    }
ex10-write-expected = ровно `error: timed out` через { $lo }-{ $hi } ms после того, как прошли последние байты (неудачная запись ждёт --timeout-ms, { $timeout } ms, и началась не позже чем через столько же после них)
ex10-write-killed =
    .observed = { $situation }; `{ $command }` всё ещё работал через { $after } ms (--timeout-ms { $timeout }), и его завершили принудительно
    .expected = { $expected }
    .why = без тайм-аута записи write() вечно ждёт сервер, который ничего не читает (его приёмный буфер и буфер отправки клиента заполнены): задайте stream.set_write_timeout(Some(timeout)) вместе с тайм-аутом чтения, чтобы запись завершилась ошибкой (WouldBlock, которая классифицируется как timed out)
ex10-write-message-fitted = всё сообщение поместилось в буферы сокетов этой машины ({ $written } { $written ->
        [one] байт
        [few] байта
       *[many] байт
    })
ex10-write-fitted-summary = { $written } { $written ->
        [one] байт
        [few] байта
       *[many] байт
    } в буферах
ex10-write-socket-not-found = сокет клиента не нашёлся в /proc/net/tcp
ex10-write-no-progress-summary = продвижения не замечено
ex10-write-summary = сказал `error: timed out` через { $quiet } ms после того, как прошли его последние байты (через { $elapsed } ms после запуска; --timeout-ms { $timeout }; пробуждения с опозданием до { $late } ms)
ex10-write-too-early =
    .observed = { $situation }; клиент сдался через { $quiet } ms после того, как прошли его последние байты
    .expected = { $expected }
    .why = клиент слишком рано перестал писать: тайм-аут записи — это само значение --timeout-ms (set_write_timeout(Some(timeout)))
ex10-write-too-late =
    .observed = { $situation }; клиент сказал `error: timed out` только через { $quiet } ms после того, как прошли его последние байты
    .expected = { $expected }
    .why = запись ждала слишком долго: её тайм-аут — это --timeout-ms (set_write_timeout(Some(timeout))), а не фиксированное значение или кратное ему

## client_unresolved_host

ex10-unresolved-situation = имя хоста { $host } не разрешается (и сеть недоступна)
ex10-unresolved-killed =
    .observed = { $situation }; `{ $command }` всё ещё работал через { $after } ms, и его завершили принудительно
    .expected = одна строка `error: <причина>` сразу и ненулевой код завершения
    .why = разрешение имени здесь сразу заканчивается ошибкой: сообщите о ней (NetError::Other), а не повторяйте попытку
ex10-unresolved-expected = одна строка `error: <сообщение резолвера>` (не refused, не timed out и не reset) и ненулевой код завершения
ex10-unresolved-why-host-ignored = клиент напечатал ответ от 127.0.0.1, хотя --host называл другую машину: --host был проигнорирован. Клиент подключается к (host, port).to_socket_addrs()
ex10-unresolved-why-no-description = ошибка печатается как `error: ` и её описание (main.rs делает это для Err, который возвращает request())
ex10-unresolved-why-wrong-kind = имя, которое не разрешается, — это не отказ, не тайм-аут и не сброс: подключиться даже не пытались. to_socket_addrs() возвращает ошибку другого вида, а classify() оставляет все прочие виды как NetError::Other(error), текст которой (сообщение резолвера) main.rs печатает после `error: `, — так пользователь узнаёт, что имя неверно; `{ $kind }` заставит его искать проблему, которой нет
ex10-unresolved-wrong-line =
    .observed = { $situation }; `{ $command }` напечатал `{ $line }` и завершился так: { $status }{ $stderr_note }
    .expected = { $expected }
    .why = { $why }

## server_drops_idle_client

ex10-silent-never-closed =
    .observed = клиент, который подключился и ничего не отправил, всё ещё был подключён через { $waited } ms (--idle-timeout-ms { $timeout })
    .expected = соединение закрыто, когда клиент промолчал тайм-аут простоя, считая с момента подключения
    .why = клиент, который вообще ничего не говорит, бездействует с самого начала. Возможно, тайм-аут чтения ставится только после первого сообщения или время простоя отсчитывается от последнего полученного сообщения, которого нет: ставьте тайм-аут на соединение до первого чтения
ex10-idle-no-echo =
    .observed = клиент отправил `ping { $i }`; сервер не вернул его эхом в течение { $wait } ms
    .expected = эхо каждого сообщения, пока соединение активно
    .why = сервер возвращает эхом то, что получает, как в ex09
ex10-idle-pause-overshot = проверяющая программа сделала паузу { $gap } ms вместо { $pause } ms
ex10-idle-pause-overshot-summary = пауза перед ping { $i } затянулась: { $gap } ms
ex10-idle-closed-fresh =
    .observed = клиент отправил `ping 0`, `ping 1`, `ping 2` с промежутком { $pause } ms, каждое вернулось эхом; сервер закрыл соединение через { $age } ms после того, как принял его, когда `ping { $i }` пришёл всего через { $gap } ms после предыдущего обмена (--idle-timeout-ms { $timeout })
    .expected = соединение, в котором говорят хотя бы раз в { $timeout } ms, остаётся открытым
    .why = сервер сразу закрыл только что принятое соединение: он должен вернуть эхо и ждать следующих данных, пока клиент не промолчит --idle-timeout-ms
ex10-idle-closed-while-talking =
    .observed = клиент отправил `ping 0`, `ping 1`, `ping 2` с промежутком { $pause } ms, каждое вернулось эхом; сервер закрыл соединение через { $age } ms после того, как принял его, когда `ping { $i }` пришёл всего через { $gap } ms после предыдущего обмена (--idle-timeout-ms { $timeout })
    .expected = соединение, в котором говорят хотя бы раз в { $timeout } ms, остаётся открытым
    .why = тайм-аут простоя отсчитывает тишину с последнего полученного байта, а не возраст соединения: set_read_timeout(Some(idle_timeout)) ограничивает ожидание каждого чтения, и каждый пришедший байт начинает ожидание заново. Клиент, который продолжает говорить, остаётся подключённым
ex10-idle-wrong-echo =
    .observed = клиент отправил { $sent } и получил { $received }
    .expected = эхо { $sent }
    .why = сервер возвращает эхом ровно то, что получает, как в ex09
ex10-idle-steps = после 3 сообщений с промежутком { $pause } ms (каждое вернулось эхом) клиент замолчал
ex10-idle-never-closed =
    .observed = { $steps }; соединение всё ещё было открыто через { $waited } ms после его последнего байта (--idle-timeout-ms { $timeout })
    .expected = сервер закрывает его через { $lo }–{ $hi } ms после последнего байта (тайм-аут простоя ± 20%)
    .why = сервер никогда не отключает молчащего клиента: его read() вечно ждёт клиента, который замолчал, и зря держит поток и дескриптор. Задайте тайм-аут простоя как тайм-аут чтения (stream.set_read_timeout(Some(idle_timeout))) и закрывайте соединение, когда read() завершается ошибкой WouldBlock или TimedOut
ex10-wake-ups-late = пробуждения с опозданием до { $late } ms
ex10-idle-sent-unasked =
    .observed = { $steps }; затем сервер отправил { $extra }
    .expected = ничего, а затем сервер закрывает соединение
    .why = сервер только возвращает эхо: сам по себе он ничего не отправляет
ex10-idle-sent-before-closing =
    .observed = { $steps }; затем сервер отправил { $extra }, прежде чем закрыть соединение
    .expected = ничего, а затем сервер закрывает соединение
    .why = сервер только возвращает эхо: сам по себе он ничего не отправляет
ex10-idle-summary = закрыто через { $silent } ms после последнего эха (через { $silent_at_most } ms после отправки последнего сообщения); --idle-timeout-ms { $timeout }; пробуждения с опозданием до { $late } ms
ex10-idle-closed-too-early =
    .observed = { $steps }; сервер закрыл соединение всего через { $silent } ms тишины
    .expected = сервер закрывает его через { $lo }–{ $hi } ms после последнего байта (тайм-аут простоя ± 20%)
    .why = сервер отключил клиента слишком рано: тайм-аут чтения должен быть самим значением --idle-timeout-ms
ex10-last-echo-noticed-late = последнее эхо было замечено с опозданием ({ $summary })
ex10-idle-closed-too-late =
    .observed = { $steps }; сервер закрыл соединение только через { $silent } ms после его последнего байта
    .expected = сервер закрывает его через { $lo }–{ $hi } ms после последнего байта (тайм-аут простоя ± 20%)
    .why = сервер ждал слишком долго: тайм-аут чтения — это сам тайм-аут простоя, заданный один раз для потока (set_read_timeout), а не кратное ему и не проверка раз в несколько секунд

## server_keeps_serving_others

ex10-client-1-sending = отправка от клиента 1
ex10-why-echo-as-in-ex09 = сервер возвращает эхом то, что получает, как в ex09
ex10-client-i-sending = отправка от клиента { $i }
ex10-others-blocked =
    .observed = клиент { $i } не получил эха в течение { $wait } ms, пока бездействовали клиент 1 и ещё { $crowd } клиентов (подключены и молчат; клиент 1 — { $silent } ms, намного меньше, чем --idle-timeout-ms { $timeout })
    .expected = клиента { $i } обслуживают сразу, что бы ни делали молчащие клиенты
    .why = молчащие клиенты заняли все потоки, которые могли бы обслужить новичка: возможно, сервер обслуживает клиентов по одному (сидит в read() молчащего клиента, пока тот не уйдёт или не истечёт его тайм-аут) или обслуживает их фиксированным пулом потоков, каждый из которых может занять молчащий клиент. Обслуживайте каждое соединение в отдельном потоке (thread::spawn(move || handle_client(stream, idle_timeout))), чтобы молчащий клиент занимал только свой поток
ex10-others-wrong-echo =
    .observed = клиент { $i } отправил { $sent } и получил { $received }{ $stop }
    .expected = эхо { $sent }
    .why = каждый клиент получает эхо, пока другой бездействует
ex10-idle-client-dropped =
    .observed = после { $silent } ms тишины (--idle-timeout-ms { $timeout }) клиент 1 отправил { $sent } и получил { $received }{ $stop }
    .expected = клиент 1 всё ещё подключён и получает эхо: он бездействовал меньше { $timeout } ms
    .why = обслуживание других клиентов не должно отключать молчащего раньше его тайм-аута простоя: у каждого соединения свой тайм-аут чтения, в своём потоке
ex10-io-failed =
    .observed = { $doing } не удалась: { $error }
    .expected = сервер держит соединение открытым, пока клиент говорит
    .why = сервер не должен закрывать или сбрасывать соединение, которое используется

## server_survives_client_resets

ex10-resets-next-could-not-connect = после того как { $storm }, следующий клиент не смог подключиться: { $observed }
ex10-client-after-resets-sending = отправка от клиента, пришедшего после сбросов
ex10-resets-after = после того как { $storm }: { $observed }
ex10-resets-why-keep-serving = ошибка с одним клиентом (сброс) печатается в stderr, а сервер продолжает работать: поток, обслуживавший этого клиента, завершается, остальные работают дальше
ex10-resets-not-told =
    .observed = после того как { $storm }, сервер продолжил работу, но ничего не напечатал в stderr
    .expected = строка в stderr для каждого из двух соединений, которые закончились ошибкой ("client failed: Connection reset by peer")
    .why = ошибка с одним клиентом печатается в stderr, чтобы её видел тот, кто запустил сервер: только WouldBlock и TimedOut означают молчащего клиента; сброс (ConnectionReset) при чтении, разорванный канал (broken pipe) при записи и всё прочее — ошибки, которые handle_client возвращает, а цикл accept печатает
ex10-resets-told-once =
    .observed = после того как { $storm }, сервер продолжил работу, но напечатал в stderr только { $count } { $count ->
        [one] строку
        [few] строки
       *[many] строк
    }: { $stderr }
    .expected = строка в stderr для каждого из двух соединений, которые закончились ошибкой ("client failed: Connection reset by peer")
    .why = ошибка с одним клиентом печатается в stderr, чтобы её видел тот, кто запустил сервер: только WouldBlock и TimedOut означают молчащего клиента; сброс (ConnectionReset) при чтении, разорванный канал (broken pipe) при записи и всё прочее — ошибки, которые handle_client возвращает, а цикл accept печатает

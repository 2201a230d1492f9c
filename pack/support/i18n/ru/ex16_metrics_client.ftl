# Проверки ex16_metrics_client: что они говорят студенту (см. pack/support/src/text.rs).

## общее для проверок: клиент студента в отдельном потоке

ex16-call-panicked-todo =
    .observed = { $what } запаниковал: { $text }
    .expected = { $what } возвращается
    .why = в коде ещё остался todo!(): напишите функцию, в которой он стоит
ex16-call-panicked =
    .observed = { $what } запаниковал: { $text }
    .expected = { $what } возвращается
    .why = что бы ни делали сеть или сервер, клиент возвращает ClientError; он никогда не паникует
ex16-call-hangs =
    .observed = { $what } не вернулся и через { $watchdog_ms } ms (тайм-аут клиента — { $timeout_ms } ms или меньше)
    .expected = { $what } возвращается в пределах тайм-аута клиента
    .why = каждый вызов должен заканчиваться: сокету нужны тайм-ауты чтения и записи (set_read_timeout), а чтение, вернувшее 0 байт, значит, что сервер закрыл соединение, — это завершает ответ ошибкой, а не циклом, который читает снова
ex16-call-ended =
    .observed = { $what } не сообщил о результате
    .expected = { $what } возвращается
    .why = поток клиента завершился раньше времени
ex16-new-failed =
    .observed = Client::new("127.0.0.1", { $port }, { $timeout }) вернул Err({ $error }), хотя там слушал сервер
    .expected = Ok(client): соединение установлено
    .why = Client::new подключается к (host, port) через TcpStream::connect_timeout и сохраняет TcpStream

## request_bytes

ex16-nothing-more = больше вообще ничего
ex16-only-without-newline = только { $bytes } без \n
ex16-call-returned-err = ; вызов вернул Err({ $error })
ex16-no-request-line =
    .observed = после { $call } сервер не получил для него ни одной полной строки запроса ({ $tail }{ $returned })
    .expected = { $expected }
    .why = каждый запрос — это одна строка, которая заканчивается \n: сервер читает до \n и только тогда отвечает
ex16-wrong-request =
    .observed = для { $call } клиент отправил { $sent }
    .expected = { $expected }
    .why = { $why }
ex16-ok-returned-err =
    .observed = { $call } отправил правильную строку, сервер ответил `ok\n\n`, а вызов вернул Err({ $error })
    .expected = Ok: `ok\n\n` — это успех сервера без данных
    .why = put успешен при ответе `ok\n\n`; get ключа, которого сервер не знает, тоже получает `ok\n\n` и возвращает пустой словарь
ex16-expect-exact = ровно { $bytes }
ex16-expect-put = "put { $key } { $value } { $ts }\n" (значение может быть записано как угодно, лишь бы читалось как { $value })
ex16-expect-put-now = "put { $key } { $value } <now>\n", где <now> — текущее время Unix в секундах
ex16-why-swapped = значение и метка времени переставлены: по протоколу порядок такой: put <key> <value> <timestamp>
ex16-why-line-end = каждый запрос — это одна строка, которая заканчивается \n (и после неё ничего нет)
ex16-why-single-spaces = запрос — это команда и её аргументы через одиночные пробелы, в конце \n: ни больше, ни меньше
ex16-why-four-words = put — это ровно четыре слова через одиночные пробелы, `put <key> <value> <timestamp>`, затем \n
ex16-why-one-line = put — это одна строка: `put <key> <value> <timestamp>\n`
ex16-why-key-as-given = ключ отправляется в том виде, в каком его передали, { $key }
ex16-why-value-same = значение должно читаться обратно как то же число, { $value }: записывайте его через {"{"}{"}"} (Display для f64), без округления
ex16-why-value-number = значение должно быть записано как число ({ $value })
ex16-why-ts-integer = метка времени — целое число, записанное десятичными цифрами
ex16-why-ts-given = метка времени — та, что передана, { $ts }
ex16-why-ts-now = put без метки времени использует текущее время в целых секундах с 1970 года (в начале вызова это было { $before }), как его даёт SystemTime::now().duration_since(UNIX_EPOCH); { $t } — не оно
ex16-why-ts-now-millis = put без метки времени использует текущее время в целых секундах с 1970 года (в начале вызова это было { $before }), как его даёт SystemTime::now().duration_since(UNIX_EPOCH); { $t } — не оно (миллисекунды?)

## get_parses_reply, replies_byte_by_byte

ex16-ok-empty-is-put-success = `ok\n\n` — это ответ на успешный put
ex16-put-rejected =
    .observed = put("k1", 0.25, Some(1)) вернул Err({ $error }) на ответ `ok\n\n` { $how }
    .expected = Ok(())
    .why = { $why }
ex16-get-returned-ok = { $call } вернул Ok({ $metrics }) на ответ { $reply } { $how }
ex16-get-returned-err = { $call } вернул Err({ $error }) на ответ { $reply } { $how }
ex16-why-sort = измерения каждого ключа должны быть упорядочены по метке времени: сервер может прислать строки в любом порядке, и сортирует их клиент (sort_by_key по метке времени)
ex16-why-parse-lines = каждая строка ответа `<key> <value> <timestamp>` — одно измерение, измерения группируются по ключу; значения — числа (30, 41.0 и -1.5e3 — это числа с плавающей точкой), метки времени — целые
ex16-why-valid-reply = этот ответ соответствует протоколу: `ok`, по строке на измерение, затем пустая строка; каждое поле разбирается (значение как f64, метка времени как i64)
ex16-how-whole = (отправлен одним куском)
ex16-how-byte-by-byte = (отправлен по одному байту с промежутком { $ms } ms)
ex16-why-stream = TCP — это поток: один read() возвращает то, что уже пришло, здесь — единственный байт. Клиент должен читать, пока не придёт пустая строка, которая завершает ответ (BufReader::read_until(b'\n') в цикле, пока строка не окажется пустой), и никогда не разбирать то, что вернул один read()

## malformed_replies_rejected

ex16-case-error-to-put = ответ с ошибкой на put
ex16-case-measurements-to-put = измерения в ответ на put (которому положен только `ok`)
ex16-case-unknown-first-line = первая строка — ни ok, ни error, в ответ на put
ex16-case-error-to-get = ответ с ошибкой на get
ex16-case-not-a-line = строка, которая не является <key> <value> <timestamp>
ex16-case-value-not-number = значение, которое не является числом
ex16-case-ts-not-integer = метка времени, которая не является целым числом
ex16-case-swapped = значение и метка времени переставлены
ex16-case-two-spaces = поля разделены двумя пробелами
ex16-case-tabs = поля разделены табуляциями
ex16-case-no-empty-line = нет завершающей пустой строки: сервер закрывает соединение после последней строки
ex16-case-no-reply = ответа нет вовсе: сервер закрывает соединение
ex16-reply-then-closed = { $reply }, затем соединение закрылось
ex16-accepted-entry = { $call } вернул { $returned } на { $shown } ({ $what })
ex16-malformed-accepted =
    .observed = из { $total } некорректных ответов { $count } { $count ->
        [one] был принят
       *[other] были приняты
    }: { $list }
    .expected = Err(ClientError) для каждого из них
    .why = { $why }
ex16-with-the-reply = при ответе { $shown }: { $observed }
ex16-why-error-reply = `error` — это сервер сообщает, что запрос не удался: put и get возвращают Err(ClientError::Server(message)), но никогда не Ok
ex16-why-not-a-line = `blablabla` — не строка измерения: каждая строка между `ok` и пустой строкой должна быть ровно <key> <value> <timestamp>; строка, которая не разбирается, — ошибка, её нельзя пропускать
ex16-why-value-parse = значение должно разбираться как число (str::parse::<f64>); значение, которое не разбирается, — ошибка, а не 0 и не пропущенная строка
ex16-why-ts-parse = метка времени должна разбираться как целое число (str::parse::<i64>): 0.5 или 1.5 — не метка времени, значит, строка некорректна (здесь поля могут быть переставлены)
ex16-why-one-space = поля строки с измерением разделены ровно одним пробелом, как и в запросах (split(' '), а не split_whitespace): в `k1  0.5 1` есть пустое поле, а табуляция — не разделитель
ex16-why-incomplete = ответ заканчивается пустой строкой: если соединение закрылось раньше (read вернул 0 байт), ответ неполон, и вызов завершается ошибкой
ex16-malformed-why = { $why }. Клиент не доверяет ничему, что получает: всё, что не разрешено протоколом, — это ClientError

## one_connection_per_session

ex16-session-call-err =
    .observed = { $call } вернул Err({ $error }), хотя сервер правильно ответил на каждый запрос
    .expected = Ok для каждого из 3 запросов
    .why = put получает `ok\n\n`, get получает `ok\nk 1 1\n\n`: оба ответа корректны
ex16-no-request = ни одного запроса
ex16-connection-requests = соединение { $n }: { $requests }
ex16-many-connections =
    .observed = { $count } { $count ->
        [one] соединение
        [few] соединения
       *[many] соединений
    } на 3 запроса ({ $per })
    .expected = 1 соединение, открытое Client::new, по которому идут все 3 запроса
    .why = сеанс — это одно соединение: Client::new подключается один раз и хранит TcpStream в Client; put и get пишут в этот TcpStream. Соединение на каждый запрос — это каждый раз новое установление TCP-соединения, и сервер каждый раз видит нового клиента
ex16-new-did-not-connect =
    .observed = Client::new вернулся, не подключившись: соединение открыл только первый запрос
    .expected = Client::new подключается (чтобы о недоступном сервере сообщал именно new)
    .why = Client::new(host, port, timeout) возвращает Result: его задача — подключиться, и отказ или недоступность сервера должны быть его ошибкой

## timeout_honoured

ex16-summary-new-failed = Client::new завершился ошибкой
ex16-timeout-summary = get прекратил ожидание через { $took_ms } ms (тайм-аут { $timeout_ms } ms; машина будила потоки с опозданием до { $late_ms } ms)
ex16-timeout-early =
    .observed = при сервере, который принимает соединение и никогда не отвечает, get("k") вернул Err({ $error }) через { $took_ms } ms при тайм-ауте { $timeout_ms } ms
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = клиент прекратил ожидание раньше своего тайм-аута: тайм-аут чтения — это тайм-аут, переданный в Client::new, без изменений (Duration, не поделённый и не фиксированный)
ex16-timeout-late-busy = get вернул Err({ $error }) с опозданием, но сама машина опаздывала на { $late_ms } ms
ex16-timeout-late =
    .observed = при сервере, который принимает соединение и никогда не отвечает, get("k") вернул Err({ $error }) лишь через { $took_ms } ms при тайм-ауте { $timeout_ms } ms
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = тайм-аут, переданный в Client::new, — это самое долгое время, которое клиент ждёт сервер: установите его как тайм-аут чтения сокета (set_read_timeout(Some(timeout))), один раз, без более долгого или повторного ожидания
ex16-timeout-ok =
    .observed = при сервере, который никогда не отвечает, get("k") вернул Ok({ $metrics }) через { $took_ms } ms
    .expected = Err(ClientError): ответ не пришёл
    .why = отсутствие ответа — не пустой ответ: чтение, истёкшее по тайм-ауту, завершается ошибкой (ErrorKind::WouldBlock или TimedOut), и эта ошибка — результат вызова
ex16-timeout-hangs =
    .observed = при сервере, который принимает соединение и никогда не отвечает, get("k") не вернулся и через { $limit_ms } ms при тайм-ауте { $timeout_ms } ms
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = без тайм-аута чтения read() вечно ждёт сервер, который никогда не ответит. Client::new должен вызвать у TcpStream set_read_timeout(Some(timeout)) (и set_write_timeout), чтобы чтение завершалось ошибкой по истечении тайм-аута
ex16-timeout-panicked =
    .observed = get("k") запаниковал: { $text }
    .expected = Err(ClientError) по истечении тайм-аута
    .why = клиент возвращает ошибки; он никогда не паникует
ex16-timeout-thread-ended =
    .observed = поток клиента завершился без ответа
    .expected = Err(ClientError) по истечении тайм-аута
    .why = поток клиента завершился раньше времени

## connect_timeout

ex16-connect-situation = сервер на 127.0.0.1:{ $port } так и не ответил на попытку подключения (его очередь была полна, и система отбросила SYN, как бывает с выключенной машиной)
ex16-connect-summary = Client::new вернулся через { $took_ms } ms (тайм-аут { $timeout_ms } ms; машина будила потоки с опозданием до { $late_ms } ms)
ex16-connect-early =
    .observed = { $situation }; { $what } вернул Err({ $error }) через { $took_ms } ms
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = клиент перестал подключаться раньше своего тайм-аута: подключайтесь через TcpStream::connect_timeout(&addr, timeout) с тайм-аутом, переданным в Client::new, без изменений
ex16-connect-late-busy = Client::new вернул Err({ $error }) с опозданием, но сама машина опаздывала на { $late_ms } ms
ex16-connect-late =
    .observed = { $situation }; { $what } вернул Err({ $error }), но перестал подключаться лишь через { $took_ms } ms
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = тайм-аут, переданный в Client::new, — это самое долгое время, которое он ждёт ответа сервера: TcpStream::connect_timeout(&addr, timeout) именно с этим тайм-аутом, а не с фиксированным или более долгим
ex16-connect-ok =
    .observed = { $situation }; { $what } вернул Ok через { $took_ms } ms
    .expected = Err(ClientError): соединение не установлено
    .why = Client::new подключается, и соединение, на которое никто не отвечает, — его ошибка: сеанс не должен начинаться без соединения
ex16-connect-hangs =
    .observed = { $situation }; { $what } не вернулся и через { $limit_ms } ms
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = когда никто не отвечает, TcpStream::connect ждёт до собственного предела системы (в Linux около двух минут): подключайтесь через TcpStream::connect_timeout(&addr, timeout) для каждого адреса из (host, port).to_socket_addrs()
ex16-connect-panicked =
    .observed = { $what } запаниковал: { $text }
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = клиент, который не может подключиться, возвращает ClientError; он никогда не паникует
ex16-connect-ended =
    .observed = { $what } не сообщил о результате
    .expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms (тайм-аут ± 20%)
    .why = поток клиента завершился раньше времени

## write_timeout

ex16-long-key = <ключ длиной { $bytes } { $bytes ->
        [one] байт
        [few] байта
       *[many] байт
    }>
ex16-deaf-situation = сервер на 127.0.0.1:{ $port } принял соединение и ничего не читал, поэтому буферы заполнились после нескольких десятков килобайт
ex16-new-returned-err = Client::new вернул Err({ $error })
ex16-write-expected = Err(ClientError) через { $lo_ms }-{ $hi_ms } ms после того, как прошли последние байты (неудачная запись ждёт тайм-аут, { $timeout_ms } ms, и началась не позже чем через один тайм-аут после них)
ex16-write-new-failed =
    .observed = { $error }, хотя на 127.0.0.1:{ $port } слушал сервер
    .expected = Ok(client): соединение установлено
    .why = Client::new подключается к (host, port) через TcpStream::connect_timeout и сохраняет TcpStream
ex16-write-hangs =
    .observed = { $situation }; { $what } при тайм-ауте { $timeout_ms } ms не вернулся и через { $limit_ms } ms (последние байты прошли через { $grew_ms } ms после вызова)
    .expected = { $expected }
    .why = без тайм-аута записи write() вечно ждёт сервер, который ничего не читает (его приёмный буфер и буфер отправки клиента полны). Client::new должен вызвать у TcpStream не только set_read_timeout, но и set_write_timeout(Some(timeout)), чтобы запись, которая не может продолжаться, завершалась ошибкой по истечении тайм-аута
ex16-write-panicked =
    .observed = { $what } запаниковал: { $text }
    .expected = { $expected }
    .why = клиент возвращает ошибки; он никогда не паникует
ex16-write-ended =
    .observed = { $what } не сообщил о результате
    .expected = { $expected }
    .why = поток клиента завершился раньше времени
ex16-socket-not-found = сокет клиента не удалось найти в /proc/net/tcp
ex16-summary-no-progress = продвижения не замечено
ex16-write-summary = put вернул { $result } через { $total_ms } ms после начала и через { $quiet_ms } ms после того, как прошли его последние байты (всего байт: { $written }; тайм-аут { $timeout_ms } ms; машина будила потоки с опозданием до { $late_ms } ms)
ex16-write-fitted = весь запрос поместился в буферы сокетов этой машины ({ $summary })
ex16-write-ok =
    .observed = { $situation }; { $what } вернул Ok (прошло байт: { $written })
    .expected = Err(ClientError): запрос не удалось даже отправить
    .why = сервер ничего не прочитал и ничего не ответил: put успешен только при ответе `ok\n\n`; запись, которая не удалась (WouldBlock после тайм-аута записи), — ошибка вызова
ex16-write-early =
    .observed = { $situation }; { $what } вернул Err({ $error }) через { $quiet_ms } ms после того, как прошли его последние байты, при тайм-ауте { $timeout_ms } ms
    .expected = { $expected }
    .why = клиент перестал писать раньше своего тайм-аута: тайм-аут записи — это тайм-аут, переданный в Client::new (set_write_timeout(Some(timeout))), без изменений
ex16-write-late-busy = put вернул Err({ $error }) с опозданием, но сама машина опаздывала на { $late_ms } ms
ex16-write-late =
    .observed = { $situation }; { $what } вернул Err({ $error }) лишь через { $quiet_ms } ms после того, как прошли его последние байты, при тайм-ауте { $timeout_ms } ms
    .expected = { $expected }
    .why = каждая запись может ждать не дольше тайм-аута, переданного в Client::new: установите его как тайм-аут записи сокета (set_write_timeout(Some(timeout))), а не фиксированный или более долгий, и не повторяйте запись, истёкшую по тайм-ауту

## long_request_sent_whole

ex16-no-connection =
    .observed = { $what }: соединения нет
    .expected = одно соединение
    .why = Client::new подключается
ex16-late-reader-situation = сервер начал читать через { $began_ms } ms после того, как принял соединение (тайм-аут клиента — { $timeout_ms } ms), через маленькие буферы
ex16-late-reader-summary = { $situation }; put вернул { $result }
ex16-late-reader-garbled =
    .observed = { $situation }; { $what } вернул Ok, но сервер получил { $got } (из { $len } байт `put <key> 1.5 1\n`)
    .expected = все { $len } { $len ->
        [one] байт
        [few] байта
       *[many] байт
    } `put <key> 1.5 1\n`, целиком
    .why = каждый запрос — одна строка, отправленная целиком и по порядку: сервер отвечает только тогда, когда прочитал до \n
ex16-late-reader-late = сервер начал читать поздно ({ $situation })
ex16-no-newline = , без \n
ex16-late-reader-err =
    .observed = { $situation }; { $what } вернул Err({ $error }); сервер получил { $received } из { $len } байт запроса{ $no_newline }
    .expected = Ok(()): весь запрос отправлен, затем получен `ok\n\n`
    .why = write() отправляет то, что помещается в буферы сокета, и возвращает, сколько это байт: с тайм-аутом записи длинный write возвращает часть запроса, когда истекает тайм-аут, а остаток так и не отправляется. write_all продолжает отправлять остаток (каждая запись ждёт не дольше тайм-аута, пока ничего не движется), поэтому сервер получает всю строку и отвечает

## bad_keys_refused

ex16-bad-key-other-err =
    .observed = { $call } вернул Err({ $error })
    .expected = Err(ClientError::BadKey(..)), в тексте которого назван ключ
    .why = ключ проверяется до того, как что-либо отправлено: пустой или с пробельными символами (пробел, табуляция, перевод строки) — это ClientError::BadKey
ex16-bad-key-ok =
    .observed = { $call } вернул Ok({ $value })
    .expected = Err(ClientError::BadKey(..)), и ничего не отправлено
    .why = ключ с пробельными символами или пустой разбивает строку запроса (в `put a b 1.5 7` на одно слово больше, а перевод строки завершает запрос раньше времени): сначала проверьте ключ и верните ClientError::BadKey
ex16-bad-key-sent =
    .observed = клиент отказался от плохих ключей, но сервер получил { $sent }
    .expected = для отвергнутого ключа ничего не отправляется
    .why = проверяйте ключ до того, как писать запрос: отвергнутый вызов ничего не отправляет

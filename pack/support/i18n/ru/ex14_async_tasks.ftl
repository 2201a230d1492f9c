# Проверки ex14_async_tasks: что они говорят студенту (см. pack/support/src/text.rs).

## общее для проверок

ex14-panicked =
    .observed = код запаниковал во время { $doing }: { $text }
    .expected = никакой паники
    .why = паника значит, что проверяемый код наткнулся на ошибку (или на todo!(), который ещё не написан)
ex14-no-measurement = нет измерения

## gather_runs_tasks_concurrently

ex14-doing-gather-sleeping = сбора через gather 5 спящих задач
ex14-gather-timed-out =
    .observed = gather для { $tasks } { $tasks ->
        [one] задачи
       *[other] задач
    } (каждая спит { $sleep }) не вернулся и через { $secs } s
    .expected = { $tasks } { $tasks ->
        [one] результат
        [few] результата
       *[many] результатов
    } примерно через { $sleep }
    .why = gather возвращается, когда завершились все задачи; дождитесь (await) JoinHandle каждой задачи по одному разу
ex14-gather-summary = { $tasks } { $tasks ->
        [one] задача
        [few] задачи
       *[many] задач
    }: { $all } = { $ratio } x время одной задачи ({ $one }), одновременно не больше { $peak }
ex14-gather-not-tasks =
    .observed = из { $tasks } футур, переданных gather, в собственной задаче tokio выполнялись { $own } (tokio::task::try_id() внутри каждой футуры)
    .expected = каждая футура запущена как отдельная задача tokio: { $tasks } разных id задач
    .why = gather сам опрашивает футуры (самодельный join_all или futures::future::join_all), и все они выполняются внутри задачи, вызвавшей gather: они по очереди занимают один рабочий поток, сколько бы их ни было у среды выполнения, а футура, которая вычисляет без await, задерживает все остальные. Запускайте каждую через tokio::spawn и ждите JoinHandle по порядку
ex14-gather-result-count =
    .observed = gather для { $tasks } { $tasks ->
        [one] задачи
       *[other] задач
    } вернул { $count } { $count ->
        [one] результат
        [few] результата
       *[many] результатов
    }
    .expected = { $tasks } { $tasks ->
        [one] результат
        [few] результата
       *[many] результатов
    }, по одному на задачу
    .why = gather возвращает по одному результату на каждый переданный ему future
ex14-gather-one-at-a-time =
    .observed = { $tasks } { $tasks ->
        [one] задача, каждая из которых спит
        [few] задачи, каждая из которых спит
       *[many] задач, каждая из которых спит
    } { $sleep } (tokio::time::sleep), через gather заняли { $all }, в { $ratio } раза дольше, чем одна задача в одиночку ({ $one }); одновременно выполнялось не больше { $peak }
    .expected = примерно время одной задачи ({ $sleep }): все { $tasks } выполняются одновременно
    .why = gather дожидался задач одну за другой: `for f in futures {"{"} f.await {"}"}` запускает следующий future только после того, как завершился предыдущий. Сначала запустите их все (tokio::spawn для каждого future, JoinHandle сохраните), а затем дождитесь этих JoinHandle: задачи спят одновременно, как корутины в asyncio.gather
ex14-gather-calibration-slow = один sleep на { $sleep } сам по себе занял { $one }: машина слишком занята
ex14-gather-all-at-once-slow = все { $tasks } { $tasks ->
        [one] задача выполнялась
       *[other] задач выполнялись
    } одновременно, и всё же заняли { $ratio } x время одной задачи: машина слишком занята
ex14-gather-some-at-once =
    .observed = { $tasks } { $tasks ->
        [one] задача, каждая из которых спит
        [few] задачи, каждая из которых спит
       *[many] задач, каждая из которых спит
    } { $sleep } (tokio::time::sleep), через gather заняли { $all }, в { $ratio } раза дольше, чем одна задача в одиночку ({ $one }); одновременно выполнялось не больше { $peak }
    .expected = примерно время одной задачи ({ $sleep }): все { $tasks } выполняются одновременно
    .why = gather выполнял одновременно лишь часть задач: запустите каждый future прежде, чем дожидаться хотя бы одного из них

## gather_keeps_submission_order

ex14-doing-gather = сбора через gather 5 задач
ex14-order-timed-out =
    .observed = gather для 5 задач, спящих от 60 до 300 ms, не вернулся и через 5 s
    .expected = 5 результатов примерно через 300 ms
    .why = gather возвращается, когда завершились все задачи
ex14-order-as-finished =
    .observed = gather вернул { $results } для future, переданных в порядке { $submitted } (они возвращают 0, 10, ...; задача i спит (5 - i) x 60 ms, поэтому завершились они в порядке { $finished })
    .expected = { $submitted }: в порядке передачи
    .why = gather вернул результаты в том порядке, в каком завершились задачи (join_next у JoinSet, канал, в который пишет каждая задача, FuturesUnordered, ...). asyncio.gather возвращает их в порядке аргументов, в каком бы порядке они ни завершились: храните JoinHandle в Vec в порядке запуска и дожидайтесь их в этом же порядке — у задачи, которая завершилась раньше, результат просто ждёт в её JoinHandle
ex14-order-wrong =
    .observed = gather вернул { $results } для future, переданных в порядке { $submitted } (они возвращают 0, 10, ...; задача i спит (5 - i) x 60 ms, поэтому завершились они в порядке { $finished })
    .expected = { $submitted }: в порядке передачи
    .why = i-й результат gather — это то, что вернул i-й переданный ему future

## promise_resolved_from_another_task

ex14-promise-delivered-measured = ожидающая задача получила значение через { $micros } us после resolve(), после { $polls } { $polls ->
        [one] опроса
       *[other] опросов
    }
ex14-promise-wrong-value =
    .observed = задача, ожидавшая Promise, получила { $value } после того, как другая задача вызвала resolve(42)
    .expected = Ok(42)
    .why = Promise отдаёт то значение, которым был разрешён его Resolver
ex14-doing-await-from-task = ожидания Promise, который разрешает другая задача
ex14-promise-never-woken =
    .observed = другая задача вызвала resolve(42) через 100 ms после того, как задача начала ждать Promise, и через { $secs } s ожидающая задача всё ещё не получила значение: Promise опросили { $polls } { $polls ->
        [one] раз
        [few] раза
       *[many] раз
    }, он вернул Pending, не позаботившись о пробуждении, и больше его не опрашивали
    .expected = ожидающая задача получает Ok(42), как только Promise разрешён
    .why = future, который возвращает Poll::Pending, должен позаботиться о том, чтобы его задачу разбудили, когда можно продолжать: опрашивайте сам oneshot::Receiver (Pin::new(&mut self.rx).poll(cx)) — он сохраняет waker из cx, чтобы отправитель его вызвал. try_recv() только заглядывает, waker не сохраняет, и задача спит вечно
ex14-promise-never-ready =
    .observed = другая задача вызвала resolve(42) через 100 ms после того, как задача начала ждать Promise; Promise опросили { $polls } { $polls ->
        [one] раз
        [few] раза
       *[many] раз
    }, но за { $secs } s он так и не стал готов
    .expected = ожидающая задача получает Ok(42), как только Promise разрешён
    .why = Promise::poll должен вернуть Poll::Ready(Ok(value)), как только Resolver отправил значение
ex14-promise-blocks-thread =
    .observed = задача проверки, которая вызывает resolve(42) через 100 ms, не выполнилась и через { $secs } s, пока другая задача ждала Promise
    .expected = ожидающая задача отдаёт поток (Poll::Pending), чтобы выполнялись другие задачи
    .why = Promise::poll блокирует поток (блокирующий recv, цикл ожидания значения) вместо того, чтобы вернуть Pending: в цикле событий тем временем не выполняется ни одна другая задача, так что значение никогда не будет установлено
ex14-dropped-wrong-value =
    .observed = ожидание Promise, чей Resolver уничтожили без значения, дало { $value }
    .expected = Err(Abandoned)
    .why = Resolver, уничтоженный без resolve(), значит, что значение не придёт никогда: Promise завершается с Err(Abandoned) (oneshot Receiver в этом случае даёт Err(RecvError))
ex14-doing-await-dropped = ожидания Promise, чей Resolver уничтожен
ex14-dropped-hangs =
    .observed = задача ждала Promise, чей Resolver другая задача уничтожила без значения, и всё ещё ждала через { $secs } s
    .expected = Err(Abandoned), как только Resolver уничтожен
    .why = когда Resolver уничтожен, значение не придёт никогда: ожидающую задачу нужно разбудить и отдать ей Err(Abandoned), а не заставлять ждать вечно (oneshot Sender при уничтожении будит Receiver)
ex14-early-wrong-value =
    .observed = Promise, разрешённый значением 7 до того, как его кто-либо стал ждать, дал { $value }
    .expected = Ok(7) сразу
    .why = значение ждёт в Promise, пока его не дождутся
ex14-doing-await-early = ожидания Promise, разрешённого заранее
ex14-early-hangs =
    .observed = Promise, разрешённый значением 7 до того, как его кто-либо стал ждать, не отдал значение и через { $secs } s
    .expected = Ok(7) сразу
    .why = значение ждёт в Promise, пока его не дождутся: первый же опрос должен его найти

## blocking_call_does_not_stall_runtime

ex14-doing-run-blocking = ожидания run_blocking(|| std::thread::sleep(500 ms))
ex14-blocking-timed-out =
    .observed = run_blocking(|| {"{"} std::thread::sleep(500 ms); 7 {"}"}) не вернулся и через 5 s
    .expected = значение функции, 7, примерно через 500 ms
    .why = run_blocking возвращается, когда функция выполнилась: дождитесь JoinHandle, который вернул spawn_blocking
ex14-blocking-summary = run_blocking занял { $took }; пульс: { $ticks } { $ticks ->
        [one] тик
        [few] тика
       *[many] тиков
    }, самый длинный перерыв { $gap } (машина будила потоки с опозданием до { $lateness })
ex14-blocking-wrong-value =
    .observed = run_blocking(|| {"{"} ...; 7 {"}"}) вернул { $value }
    .expected = 7, значение функции
    .why = run_blocking возвращает то, что вернула функция
ex14-blocking-returned-early =
    .observed = run_blocking(|| std::thread::sleep(500 ms)) вернулся через { $took }
    .expected = он возвращается, когда функция выполнилась (500 ms)
    .why = run_blocking должен дождаться результата функции
ex14-blocking-stalled-same-thread =
    .observed = пульс остановился на { $gap }, пока выполнялся run_blocking (задача, которая тикает каждые { $tick } ms; run_blocking(|| std::thread::sleep(500 ms)) занял { $took })
    .expected = пульс не прерывается: ни одного перерыва в { $max_gap } или дольше
    .why = блокирующий вызов внутри асинхронного кода останавливает все задачи этого потока. Функция выполнялась в рабочем потоке среды выполнения, том самом, что ведёт пульс (здесь это единственный рабочий поток, как у asyncio один поток цикла событий), поэтому ни одна другая задача не могла выполняться, пока функция не вернулась. Передайте функцию в tokio::task::spawn_blocking (аналог run_in_executor в asyncio): она выполнит её в потоке пула для блокирующих вызовов — и дождитесь JoinHandle, который она возвращает
ex14-blocking-stalled =
    .observed = пульс остановился на { $gap }, пока выполнялся run_blocking (задача, которая тикает каждые { $tick } ms; run_blocking(|| std::thread::sleep(500 ms)) занял { $took })
    .expected = пульс не прерывается: ни одного перерыва в { $max_gap } или дольше
    .why = блокирующий вызов внутри асинхронного кода останавливает все задачи этого потока. Передайте функцию в tokio::task::spawn_blocking (аналог run_in_executor в asyncio): она выполнит её в потоке пула для блокирующих вызовов — и дождитесь JoinHandle, который она возвращает
ex14-blocking-gap-unclear = перерыв в { $gap } слишком долог для свободной среды выполнения, но слишком короток для остановки на 500 ms

## panics_come_back_with_their_payload

ex14-doing-gather-panicking = gather трёх задач, вторая из которых паникует
ex14-how-gather = JoinError задачи: если e.is_panic(), то std::panic::resume_unwind(e.into_panic()) возбуждает заново собственную панику задачи
ex14-doing-run-blocking-panicking = run_blocking(|| panic!(..)), которого ждут в задаче
ex14-how-run-blocking = JoinError от spawn_blocking: std::panic::resume_unwind(e.into_panic()) возбуждает заново собственную панику функции
ex14-payload-other-message =
    .observed = { $doing }: паника, но с другим сообщением: { $text }
    .expected = паника с собственным сообщением задачи, { $payload }
    .why = { $who } должен возбудить заново саму панику, а не новую, которая её описывает (unwrap() или expect() на JoinError паникуют с текстом JoinError): { $how }
ex14-payload-returned =
    .observed = { $doing }: вернулось { $value } вместо паники
    .expected = паника с сообщением { $payload }
    .why = паника не должна пропадать: { $who } возбуждает её заново ({ $how })
ex14-payload-hangs =
    .observed = { $doing }: за 3 s ни возврата, ни паники
    .expected = паника с сообщением { $payload }
    .why = возможно, { $who } ждёт результата, который паникующий код так и не отправит; { $how }

## promise_from_a_thread_and_after_drop

ex14-thread-wrong-value =
    .observed = задача, ожидавшая Promise, который обычный поток разрешил значением 99, получила { $value }
    .expected = Ok(99)
    .why = Resolver можно использовать из любого потока: resolve отправляет значение и будит ожидающую задачу, где бы она ни выполнялась
ex14-doing-resolve-from-thread = разрешения Promise из обычного потока
ex14-thread-never-woken =
    .observed = обычный поток (не задача) разрешил Promise через 200 ms после того, как задача начала его ждать; через 3 s задача всё ещё не получила значение (Promise опросили { $polls } { $polls ->
        [one] раз
        [few] раза
       *[many] раз
    })
    .expected = Ok(99), как только поток его разрешит
    .why = разрешение должно будить ожидающую задачу даже извне среды выполнения: сохраните waker из опроса, вернувшего Pending, там, где его найдёт resolve (это делает приёмник oneshot-канала, если его опрашивать), и не полагайтесь в resolve на контекст tokio
ex14-thread-measured = Promise, разрешённый из потока через 200 ms: { $polls } { $polls ->
        [one] опрос
        [few] опроса
       *[many] опросов
    }
ex14-busy-polled =
    .observed = пока задача 200 ms ждала Promise, его опросили { $polls } { $polls ->
        [one] раз
        [few] раза
       *[many] раз
    }
    .expected = несколько опросов (не больше { $max_polls }): один в начале, ещё один после того, как resolve разбудит задачу
    .why = Promise будит собственную задачу при каждом Pending (cx.waker().wake_by_ref()), поэтому среда выполнения тут же опрашивает его снова, в активном цикле. Сохраните waker, и пусть его будит resolve
ex14-resolve-dropped-panicked =
    .observed = resolve() у Resolver, чей Promise уже уничтожен, запаниковал: { $text }
    .expected = значение молча уничтожается
    .why = значения больше никто не ждёт, и это не ошибка: игнорируйте Err при его отправке (let _ = self.tx.send(value)), а не вызывайте на нём unwrap()
ex14-resolve-dropped-hangs =
    .observed = resolve() у Resolver, чей Promise уже уничтожен, не вернулся за 3 s
    .expected = resolve возвращается сразу
    .why = resolve никогда не должен ждать Promise: установите значение и разбудите ждущего, если он есть

## promise_wakes_its_latest_waker

ex14-latest-resolve = обычный поток разрешил его значением 5
ex14-latest-drop = обычный поток уничтожил его Resolver
ex14-doing-two-wakers = опроса Promise вручную с двумя waker
ex14-latest-hangs =
    .observed = Promise опросили вручную (сначала с одним waker, потом с другим), и проверка не смогла продолжиться за 5 s после того, как { $what }
    .expected = poll возвращается сразу, и сторона Resolver тоже возвращается сразу
    .why = poll никогда не должен блокироваться, как и resolve, и уничтожение Resolver: они меняют состояние, забирают waker и будят его
ex14-latest-ready-at-once =
    .observed = новый Promise, опрошенный вручную до того, как его кто-либо разрешил, оказался Ready
    .expected = Pending, пока значение не установлено или Resolver не уничтожен
    .why = poll может отдать значение только после того, как resolve его установил, а Err(Abandoned) — только когда Resolver уже уничтожен
ex14-latest-woke-first =
    .observed = Promise опросили дважды, каждый раз с новым waker (так бывает, когда его задача переезжает в другой рабочий поток или его начинает ждать другая задача); затем { $what }: разбужен был waker первого опроса, а waker второго — нет (за 2 s)
    .expected = будится waker последнего опроса, вернувшего Pending, и следующий опрос даёт { $expected }
    .why = Promise хранит первый waker, который ему дали. Контракт Future: будить нужно только waker самого последнего опроса, и до переехавшей задачи можно достучаться лишь через её новый waker. Возможные причины: waker сохраняется, только если сохранённого ещё нет (`if waker.is_none()`), или сохраняется однажды — при создании или при первом опросе. Сохраняйте cx.waker() при каждом опросе, вернувшем Pending (собственный poll приёмника oneshot так и делает)
ex14-latest-woke-none =
    .observed = Promise опросили дважды, каждый раз с новым waker; затем { $what }: за 2 s не был разбужен ни один waker
    .expected = будится waker последнего опроса, вернувшего Pending, и следующий опрос даёт { $expected }
    .why = до сохранённого waker ничего не дошло. Возможные причины: poll вообще не сохраняет waker (try_recv или проверка флага), сторона Resolver меняет состояние, но не забирает и не будит waker, или уничтожение Resolver ничего не делает (Drop, который помечает Promise брошенным, должен его и разбудить)
ex14-latest-woken-not-ready =
    .observed = Promise опросили дважды, каждый раз с новым waker; затем { $what }: последний waker был разбужен, но следующий опрос дал { $then }
    .expected = { $expected }
    .why = пробуждение означает «опроси меня снова, я готов». Возможные причины: значение (или отметка о брошенном Promise) хранится там, куда poll не смотрит, или пробуждение приходит раньше, чем меняется состояние

## promise_never_loses_a_wake_up

ex14-race-resolved = был разрешён
ex14-race-dropped = лишился своего Resolver
ex14-race-measured = { $rounds } { $rounds ->
        [one] Promise, который поток разрешал
        [few] Promise, которые поток разрешал
       *[many] Promise, которые поток разрешал
    } или бросал через 0-40 us; каждый опрашивали до готовности, каждый раз с новым waker: каждый опрос, вернувший Pending после действия потока, получил пробуждение своего waker
ex14-woken-none = никакой
ex14-woken-older = waker опроса номер { $poll }, более старый
ex14-lost-wake-up =
    .observed = в раунде { $round } гонки потока и опросов Promise этот Promise { $what } через { $us } us, пока его опрашивали снова и снова, каждый раз с новым waker; опрос номер { $poll } вернул Pending, когда поток уже сделал это, но через { $secs } s waker этого опроса так и не был разбужен (последним разбуженным был: { $woken }); { $replay }
    .expected = если опрос вернул Pending, когда значение уже установлено (или Resolver уничтожен), его собственный waker будится
    .why = потерянное пробуждение: задача, ждущая такой Promise, ждала бы вечно. Вероятно, poll посмотрел на состояние и отпустил блокировку; затем поток установил значение и разбудил тот waker, который нашёл (более старый или никакой); только после этого poll сохранил свой waker и вернул Pending. Смотрите на состояние и сохраняйте waker в одной критической секции, под той же блокировкой, под которой resolve и Drop у Resolver забирают waker (или возьмите канал oneshot, приёмник которого так и делает)
ex14-doing-racing = гонки разрешений и опросов Promise
ex14-race-stuck =
    .observed = гонка разрешений и опросов Promise не закончилась вовремя
    .expected = каждый опрос, каждый resolve и каждое уничтожение Resolver возвращаются сразу
    .why = poll никогда не должен блокироваться, как и resolve, и уничтожение Resolver

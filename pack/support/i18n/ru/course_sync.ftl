# Что запись фасада course_sync говорит о потоках и блокировках (см. pack/support/src/text.rs,
# `speak`, и checked/registry.rs в course_sync).

sync-unnamed-thread = поток №{ $number }
sync-lock-numbered = { $name } (блокировка { $count })
sync-created-at = { $kind }, созданный в { $place }
sync-taken-at = { $lock } (захвачен в { $place })
sync-a-lock = блокировка
sync-while-holding = удерживая { $locks }
sync-waits-for = поток `{ $thread }` ждёт { $lock } в { $place }{ $held }
sync-waits-on-condvar = поток `{ $thread }` ждёт на Condvar, созданной в { $created } (ожидание в { $place }){ $held }
sync-holds-nothing = ничего не удерживает
sync-holds = удерживает { $locks }
sync-cycle-part = поток `{ $thread }` { $holding } и ждёт { $lock } (в { $place }), а его удерживает поток `{ $next }` как { $holds }
sync-order-part = поток `{ $thread }` захватил { $first } (в { $first_place }), а затем { $second } (в { $second_place })

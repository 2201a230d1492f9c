# What the course_sync facade's recording says about threads and locks, through the hidden
# checks (see pack/support/src/text.rs, `speak`, and course_sync's checked/registry.rs). The
# English here is the facade's own, word for word.

sync-unnamed-thread = thread #{ $number }
sync-lock-numbered = { $name } (lock { $count })
sync-created-at = the { $kind } created at { $place }
sync-taken-at = { $lock } (taken at { $place })
sync-a-lock = a lock
sync-while-holding = while holding { $locks }
sync-waits-for = thread `{ $thread }` waits for { $lock } at { $place }{ $held }
sync-waits-on-condvar = thread `{ $thread }` waits on the Condvar created at { $created } (wait at { $place }){ $held }
sync-holds-nothing = holds nothing
sync-holds = holds { $locks }
sync-cycle-part = thread `{ $thread }` { $holding } and waits for { $lock } (at { $place }), which thread `{ $next }` holds as { $holds }
sync-order-part = thread `{ $thread }` took { $first } (at { $first_place }) and then { $second } (at { $second_place })

# Проверки ex06_locks: что они говорят студенту (см. pack/support/src/text.rs).

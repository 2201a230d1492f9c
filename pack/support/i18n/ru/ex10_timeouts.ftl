# Проверки ex10_timeouts: что они говорят студенту (см. pack/support/src/text.rs).

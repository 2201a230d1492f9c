# Проверки ex05_queue: что они говорят студенту (см. pack/support/src/text.rs).

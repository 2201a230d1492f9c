# Проверки ex04_pool: что они говорят студенту (см. pack/support/src/text.rs).

# Проверки ex15_async_server: что они говорят студенту (см. pack/support/src/text.rs).

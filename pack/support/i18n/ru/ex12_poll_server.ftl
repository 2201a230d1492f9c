# Проверки ex12_poll_server: что они говорят студенту (см. pack/support/src/text.rs).

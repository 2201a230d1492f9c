# Проверки ex11_threaded_server: что они говорят студенту (см. pack/support/src/text.rs).

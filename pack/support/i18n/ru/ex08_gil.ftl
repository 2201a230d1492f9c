# Проверки ex08_gil: что они говорят студенту (см. pack/support/src/text.rs).

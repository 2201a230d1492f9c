# Проверки ex01_process: что они говорят студенту (см. pack/support/src/text.rs).

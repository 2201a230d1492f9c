# Проверки ex09_echo: что они говорят студенту (см. pack/support/src/text.rs).

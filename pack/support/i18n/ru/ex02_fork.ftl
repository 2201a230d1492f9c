# Проверки ex02_fork: что они говорят студенту (см. pack/support/src/text.rs).

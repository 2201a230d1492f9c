# Проверки ex07_rlock: что они говорят студенту (см. pack/support/src/text.rs).

# Проверки ex03_spawn: что они говорят студенту (см. pack/support/src/text.rs).

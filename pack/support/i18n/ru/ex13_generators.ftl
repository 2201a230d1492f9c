# Проверки ex13_generators: что они говорят студенту (см. pack/support/src/text.rs).

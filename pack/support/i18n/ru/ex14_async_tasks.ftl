# Проверки ex14_async_tasks: что они говорят студенту (см. pack/support/src/text.rs).

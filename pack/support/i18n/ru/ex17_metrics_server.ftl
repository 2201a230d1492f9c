# Проверки ex17_metrics_server: что они говорят студенту (см. pack/support/src/text.rs).

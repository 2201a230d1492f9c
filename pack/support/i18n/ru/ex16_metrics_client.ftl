# Проверки ex16_metrics_client: что они говорят студенту (см. pack/support/src/text.rs).

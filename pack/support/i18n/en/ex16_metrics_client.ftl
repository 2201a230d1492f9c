# The hidden checks of ex16_metrics_client: what they say to a student (see pack/support/src/text.rs).

# The hidden checks of ex17_metrics_server: what they say to a student (see pack/support/src/text.rs).

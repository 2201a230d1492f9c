# The hidden checks of ex15_async_server: what they say to a student (see pack/support/src/text.rs).

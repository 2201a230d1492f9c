# The hidden checks of ex12_poll_server: what they say to a student (see pack/support/src/text.rs).

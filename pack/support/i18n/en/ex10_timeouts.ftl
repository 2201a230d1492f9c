# The hidden checks of ex10_timeouts: what they say to a student (see pack/support/src/text.rs).

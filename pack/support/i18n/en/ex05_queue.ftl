# The hidden checks of ex05_queue: what they say to a student (see pack/support/src/text.rs).

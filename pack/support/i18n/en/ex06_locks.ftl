# The hidden checks of ex06_locks: what they say to a student (see pack/support/src/text.rs).

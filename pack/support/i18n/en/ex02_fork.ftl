# The hidden checks of ex02_fork: what they say to a student (see pack/support/src/text.rs).

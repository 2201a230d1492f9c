# The hidden checks of ex01_process: what they say to a student (see pack/support/src/text.rs).

# The hidden checks of ex09_echo: what they say to a student (see pack/support/src/text.rs).

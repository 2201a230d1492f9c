# The hidden checks of ex08_gil: what they say to a student (see pack/support/src/text.rs).

# The hidden checks of ex13_generators: what they say to a student (see pack/support/src/text.rs).

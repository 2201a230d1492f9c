# The hidden checks of ex03_spawn: what they say to a student (see pack/support/src/text.rs).

# The hidden checks of ex07_rlock: what they say to a student (see pack/support/src/text.rs).

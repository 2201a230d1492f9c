# The hidden checks of ex04_pool: what they say to a student (see pack/support/src/text.rs).

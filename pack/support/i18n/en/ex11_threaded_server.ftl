# The hidden checks of ex11_threaded_server: what they say to a student (see pack/support/src/text.rs).

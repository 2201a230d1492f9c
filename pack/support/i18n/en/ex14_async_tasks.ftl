# The hidden checks of ex14_async_tasks: what they say to a student (see pack/support/src/text.rs).

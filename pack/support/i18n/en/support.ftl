# What pack_support itself says to a student, for every exercise (see src/text.rs).

## lib.rs: the check's run

support-panicked =
    .observed = the code panicked: { $message }
    .expected = no panic
    .why = a panic during the check means the code under test hit a bug (or a todo!() that is not written yet)

## timing.rs: a timing check measured in several attempts

support-too-busy = the machine was too busy to measure in { $count } attempts ({ $summaries }): { $doubt }
support-not-set-up = the situation could not be set up on this machine in { $count } attempts ({ $summaries }): { $doubt }

# The checker's messages to a student, in English: the reference for every other language
# (`fl!` checks each id used in the code against this file at compile time). Keep the ids; a
# translation copies this file to i18n/<code>/checker.ftl and translates the text after `=`.

## checker list

list-done = {$done}/{$total} done

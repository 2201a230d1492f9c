#!/bin/sh
# Regenerates README.md's section "What the hidden checks observe": the lines between the
# promises:begin and promises:end markers become the output of
# `checker promises --format markdown` (tests/cli/promises.rs fails when they differ).
set -eu
cd "$(dirname "$0")/.."
table=$(mktemp)
trap 'rm -f "$table" README.md.new' EXIT
cargo run -q -p checker -- promises --format markdown >"$table"
awk -v table="$table" '
    /^<!-- promises:begin/ { print; print ""; while ((getline line < table) > 0) print line; print ""; skipping = 1; next }
    /^<!-- promises:end -->/ { skipping = 0 }
    !skipping { print }
' README.md >README.md.new
grep -q '^<!-- promises:end -->' README.md.new || { echo "README.md lacks the promises markers" >&2; exit 1; }
mv README.md.new README.md

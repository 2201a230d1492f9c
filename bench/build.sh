#!/usr/bin/env bash
# What does building inside the sandbox cost? Times warm builds of one submission with this
# checker and with the checker of another revision (by default the commit before the sandboxed
# build, 'b502501'), on this machine, in one run.
#
# Each round edits the submission's src/lib.rs (a comment with the round's number), so the
# student's crate, its public tests and the hidden checks are rebuilt while the dependencies stay
# cached; the figure is the build's own duration from the JSON report (`build.duration_ms`).
# Prints the median and the spread of ROUNDS (default 7) rounds for each; asserts nothing.
#
#   bench/build.sh                      # ex04, against b502501
#   EXERCISE=ex05 ROUNDS=9 bench/build.sh
#   BASELINE=<rev> bench/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
exercise=${EXERCISE:-ex04}
rounds=${ROUNDS:-7}
baseline=${BASELINE:-b502501}
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/baseline" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

cargo build -q --release -p checker
git worktree add -q --detach "$work/baseline" "$baseline"
(cd "$work/baseline" && cargo build -q --release -p checker)

# The reference solution of the exercise, as a student's folder.
dir=$(ls -d "solutions/${exercise}"_* | head -1)
mkdir -p "$work/submission"
cp -r "$dir/src" "$work/submission/src"

measure() { # label checker-binary course-root
  local label=$1 checker=$2 course=$3 times=()
  # One cold build first, not counted: the dependencies.
  (cd "$course" && CHECKER_TARGET_DIR="$work/target-$label" "$checker" submit "$exercise" \
    --from "$work/submission" --report "$work/report.json" >/dev/null) || true
  for round in $(seq 1 "$rounds"); do
    echo "// round $round" >>"$work/submission/src/lib.rs"
    (cd "$course" && CHECKER_TARGET_DIR="$work/target-$label" "$checker" submit "$exercise" \
      --from "$work/submission" --report "$work/report.json" >/dev/null) || true
    times+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["build"]["duration_ms"])' "$work/report.json")")
  done
  printf '%s\n' "${times[@]}" | sort -n | python3 -c '
import sys
label = sys.argv[1]
t = [int(x) for x in sys.stdin.read().split()]
m = t[len(t) // 2]
print(f"{label:>10}: median {m / 1000:.2f} s over {len(t)} warm builds (min {t[0] / 1000:.2f}, max {t[-1] / 1000:.2f})")
' "$label"
}

echo "warm builds of $exercise (student crate, public tests and hidden checks rebuilt; dependencies cached)"
measure baseline "$work/baseline/target/release/checker" "$work/baseline"
measure sandboxed "$root/target/release/checker" "$root"

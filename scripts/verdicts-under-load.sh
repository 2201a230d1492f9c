#!/usr/bin/env bash
# Are the verdicts of timing- and CPU-sensitive checks stable on a loaded machine?
#
# Keeps two CPU-bound busy loops running (on this project's 2-core machines: every core taken)
# and grades, RUNS times, each exercise's reference solution and skeleton (what `checker verify`
# grades) and, with MUTANTS=1, every mutant in tests/mutants/<id>/ (each written once, from the
# current reference solution and the mutant's edits, by `checker materialize-mutant`, and graded
# with only the checks it must fail). Each submission's per-check outcomes (PASS/FAIL/TIMEOUT/...)
# must be the same in every run (NOT JUDGED included: it scores nothing, unlike PASS); the script
# prints any difference and exits 1 if there is one.
#
#   scripts/verdicts-under-load.sh                       # ex05–ex08, 10 runs
#   RUNS=3 MUTANTS=1 scripts/verdicts-under-load.sh ex08_gil
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-10}
mutants=${MUTANTS:-0}
exercises=("$@")
[ ${#exercises[@]} -gt 0 ] || exercises=(ex05_queue ex06_locks ex07_rlock ex08_gil)

cargo build -q -p checker
checker=$PWD/target/debug/checker
out=$(mktemp -d)
hogs=()
cleanup() {
  [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
for _ in 1 2; do
  (while :; do :; done) &
  hogs+=($!)
done
echo "load: ${#hogs[@]} busy loops (pids ${hogs[*]}) on $(nproc) cores"

# A mutant is a set of edits of the reference solution: write each one's sources once, into
# $out/mutants/<id>/<name>/src, and grade that folder in every run.
if [ "$mutants" = 1 ]; then
  for exercise in "${exercises[@]}"; do
    for mutant in tests/mutants/"$exercise"/*/; do
      into="$out/mutants/$exercise/$(basename "$mutant")"
      "$checker" materialize-mutant "$mutant" --into "$into" >/dev/null
      # As in the mutants harness, a mutant is graded with only the checks it must fail (its
      # `fails = [...]`, one line): the verdicts that matter, at a fraction of the exercise's cost.
      grep -m1 '^fails = ' "$mutant/mutant.toml" | grep -o '"[^"]*"' | tr -d '"' | sed 's/^/--only\n/' >"$into/only"
    done
  done
fi

for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  for exercise in "${exercises[@]}"; do
    submissions=("solutions/$exercise" "exercises/$exercise")
    if [ "$mutants" = 1 ]; then
      for mutant in "$out/mutants/$exercise"/*/; do
        submissions+=("${mutant%/}")
      done
    fi
    for submission in "${submissions[@]}"; do
      file="$out/$run/$(echo "${submission#"$out"/}" | tr / _)"
      mkdir -p "$(dirname "$file")"
      # The first line of each check in the console report: outcome, name, points.
      only=()
      [ ! -f "$submission/only" ] || mapfile -t only <"$submission/only"
      "$checker" submit "$exercise" --from "$submission" "${only[@]}" 2>&1 \
        | grep -E '^(PASS|FAIL|TIMEOUT|CRASH|LEFTOVER|NOT RUN|NOT JUDGED) ' | tr -s ' ' >"$file" || true
    done
  done
  echo "run $run of $runs: $(( $(date +%s) - started )) s"
done

different=0
for run in $(seq 2 "$runs"); do
  if ! diff -r "$out/1" "$out/$run" >/dev/null; then
    different=1
    echo "run $run differs from run 1:"
    diff -r "$out/1" "$out/$run" || true
  fi
done
echo
for file in "$out"/1/*; do
  echo "$(basename "$file"): $(awk '{print $1}' "$file" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
done
if [ "$different" = 0 ]; then
  echo "verdicts: identical in all $runs runs"
else
  echo "verdicts: NOT identical across runs"
  exit 1
fi

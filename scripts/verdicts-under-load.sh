#!/usr/bin/env bash
# Are the verdicts of timing- and CPU-sensitive checks stable on a loaded machine?
#
# Keeps two CPU-bound busy loops running (on this project's 2-core machines: every core taken)
# and grades, RUNS times, each exercise's reference solution and skeleton (what `checker verify`
# grades) and, with MUTANTS=1, every mutant in tests/mutants/<id>/ (each written once, from the
# current reference solution and the mutant's edits, by `checker materialize-mutant`, and graded
# with only the checks it must fail) and every correct alternative design in
# tests/alternatives/<id>/ (graded with every check: full marks, whatever the load). Each submission's per-check outcomes (PASS/FAIL/TIMEOUT/...)
# must be the same in every run (NOT JUDGED included: it scores nothing, unlike PASS).
#
# A submission's RUNS gradings come one after another, so that only the first one compiles: the
# checker's build cache makes the others' builds a second long, and the runs measure the checks,
# which is where timing can differ. A line per submission says whether its verdicts were the
# same in every run (and shows the differences when not); the script exits 1 if any differed.
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
echo "load: ${#hogs[@]} busy loops (pids ${hogs[*]}) on $(nproc) cores; $runs runs of each submission"

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
    for alternative in tests/alternatives/"$exercise"/*/; do
      [ -d "$alternative" ] || continue
      "$checker" materialize-mutant "$alternative" --into "$out/alternatives/$exercise/$(basename "$alternative")" >/dev/null
    done
  done
fi

started=$(date +%s)
submissions=0
unstable=()
for exercise in "${exercises[@]}"; do
  graded=("solutions/$exercise" "exercises/$exercise")
  if [ "$mutants" = 1 ]; then
    for edited in "$out/alternatives/$exercise"/*/ "$out/mutants/$exercise"/*/; do
      [ -d "$edited" ] && graded+=("${edited%/}")
    done
  fi
  for submission in "${graded[@]}"; do
    name=$(echo "${submission#"$out"/}" | tr / _)
    only=()
    [ ! -f "$submission/only" ] || mapfile -t only <"$submission/only"
    began=$(date +%s)
    for run in $(seq 1 "$runs"); do
      # The first line of each check in the console report: outcome, name, points.
      "$checker" submit "$exercise" --from "$submission" "${only[@]}" 2>&1 \
        | grep -E '^(PASS|FAIL|TIMEOUT|CRASH|LEFTOVER|NOT RUN|NOT JUDGED) ' | tr -s ' ' >"$out/$name.$run" || true
    done
    submissions=$((submissions + 1))
    outcomes=$(awk '{print $1}' "$out/$name.1" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
    differs=()
    for run in $(seq 2 "$runs"); do
      cmp -s "$out/$name.1" "$out/$name.$run" || differs+=("$run")
    done
    if [ ${#differs[@]} -eq 0 ]; then
      echo "same    $name:$outcomes($(( $(date +%s) - began )) s)"
    else
      unstable+=("$name")
      echo "DIFFERS $name: runs ${differs[*]} differ from run 1"
      for run in "${differs[@]}"; do
        diff "$out/$name.1" "$out/$name.$run" | sed "s/^/    run $run /" || true
      done
    fi
  done
done

echo
echo "$submissions submissions, $runs runs each, $(( $(date +%s) - started )) s"
if [ ${#unstable[@]} -eq 0 ]; then
  echo "verdicts: identical in all $runs runs"
else
  echo "verdicts: NOT identical across runs for ${unstable[*]}"
  exit 1
fi

#!/usr/bin/env bash
# How fast is `checker grade`, against the naive way of grading a class, on this machine?
#
# Builds a synthetic class of at least 30 submissions — for ex01–ex04: the reference
# solutions, every mutant in tests/mutants/, and the skeletons — and measures, in this one run:
#   1. `checker grade -j JOBS` over the class (public tests and hidden checks), from a cold
#      build folder: the time per submission;
#   2. the naive way: each submission built and its public tests run with plain `cargo test`
#      in a fresh target folder of its own (dependencies and all);
#   3. what rustc alone spends on each submission's own code (its crate rebuilt with the
#      dependencies already compiled).
# Prints the figures; it asserts nothing (a benchmark, not a test).
#
#   bench/grade.sh            # JOBS=2
#   JOBS=1 bench/grade.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build -q --release -p checker
checker=$root/target/release/checker

# One submission per solution, mutant and skeleton: a student folder with exercises/<id>/src.
class=$work/class
n=0
add() { # student-name exercise-id source-folder
  mkdir -p "$class/$1/exercises/$2"
  cp -r "$3/src" "$class/$1/exercises/$2/src"
  n=$((n + 1))
}
for id in ex01_process ex02_fork ex03_spawn ex04_pool; do
  add "solution-$id" "$id" "solutions/$id"
  add "skeleton-$id" "$id" "exercises/$id"
  for mutant in tests/mutants/$id/*/; do
    # A mutant is edits of the reference solution: write its sources out first.
    written=$work/mutants/$id/$(basename "$mutant")
    "$checker" materialize-mutant "$mutant" --into "$written" >/dev/null
    add "mutant-$id-$(basename "$mutant")" "$id" "$written"
  done
done
# Each synthetic student submitted one exercise; the others are missing (graded in no time).
echo "class: $n submissions (ex01–ex04: solutions, mutants, skeletons) on $(nproc) cores"

# 1. checker grade, cold: its own build folder and state.
export CHECKER_TARGET_DIR=$work/checker-target
rm -rf "$root/.checker/grade"
started=$(date +%s%N)
"$checker" grade "$class" --exercises ex01,ex02,ex03,ex04 -j "$jobs" --out "$work/grades" --format json >/dev/null
grade_ms=$(( ($(date +%s%N) - started) / 1000000 ))

# The same class graded one at a time (warm): parallel workers must not change a verdict.
"$checker" grade "$class" --exercises ex01,ex02,ex03,ex04 -j 1 --out "$work/grades-serial" --format json >/dev/null
outcomes() { # every check's outcome per student and exercise, from a results folder
  (cd "$1/results" && grep -ro '"name": "[^"]*",\|"outcome": "[^"]*"' . | paste -d' ' - - | sort | uniq -c)
}
if diff <(outcomes "$work/grades") <(outcomes "$work/grades-serial") >/dev/null; then
  verdicts="identical with -j $jobs and -j 1"
else
  verdicts="DIFFERENT between -j $jobs and -j 1:
$(diff <(outcomes "$work/grades") <(outcomes "$work/grades-serial") || true)"
fi

# 2. The naive way: a fresh copy of the exercises workspace and target folder per submission.
naive_ms=0
for student in "$class"/*/; do
  id=$(ls "$student/exercises")
  copy=$work/naive/$(basename "$student")
  mkdir -p "$copy"
  cp -r exercises/Cargo.toml exercises/Cargo.lock exercises/course_sync "$copy/"
  mkdir -p "$copy/$id" && cp -r "exercises/$id/Cargo.toml" "exercises/$id/tests" "$copy/$id/"
  cp -r "$student/exercises/$id/src" "$copy/$id/src"
  # Only this exercise in the workspace, as a student's own checkout would build it.
  printf '[workspace]\nresolver = "2"\nmembers = ["%s"]\n' "$id" >"$copy/Cargo.toml"
  started=$(date +%s%N)
  (cd "$copy" && CARGO_TARGET_DIR=$copy/target timeout 300 cargo test -q --offline >/dev/null 2>&1 || true)
  naive_ms=$(( naive_ms + ($(date +%s%N) - started) / 1000000 ))
done

# 3. rustc on each submission's own code: dependencies compiled once, then the crate alone.
rustc_ms=0
shared=$work/rustc-target
for student in "$class"/*/; do
  id=$(ls "$student/exercises")
  copy=$work/naive/$(basename "$student")
  (cd "$copy" && CARGO_TARGET_DIR=$shared cargo build -q --offline --tests >/dev/null 2>&1 || true)
  touch "$copy/$id/src/"*.rs
  started=$(date +%s%N)
  (cd "$copy" && CARGO_TARGET_DIR=$shared cargo build -q --offline --tests >/dev/null 2>&1 || true)
  rustc_ms=$(( rustc_ms + ($(date +%s%N) - started) / 1000000 ))
done

# Milliseconds as seconds with one decimal.
secs() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }
row() { printf '%-60s %9s s %9s s\n' "$1" "$(secs "$2")" "$(secs $(($2 / n)))"; }
echo
printf '%-60s %11s %11s\n' "" "total" "per sub."
row "checker grade -j $jobs (public tests + hidden checks, cold)" "$grade_ms"
row "naive: cargo test, fresh target each (public tests only)" "$naive_ms"
row "rustc on the submissions' own code (dependencies built)" "$rustc_ms"
echo "verdicts: $verdicts"

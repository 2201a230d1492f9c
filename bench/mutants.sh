#!/usr/bin/env bash
# How good are the hidden checks? Grades the mutants of the reference solutions (`checker
# mutants`) and prints, per exercise, the mutants generated, killed, timed out, survived and
# unviable, the score and the time taken, then the surviving mutants (the checks' blind spots).
# Every mutant of every exercise takes about 50 minutes on a 2-core machine (JOBS=2).
#
#   bench/mutants.sh                       # every exercise, every mutant
#   bench/mutants.sh ex04 ex05             # some exercises
#   SAMPLE=10 SEED=3 bench/mutants.sh      # 10 mutants per exercise, chosen by the seed
#   JOBS=1 OUT=/tmp/m bench/mutants.sh     # one at a time; results kept in OUT (resumable)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$PWD/target/mutants-bench}
args=(-j "${JOBS:-2}" --fail-fast --out "$out")
if [ -n "${SAMPLE:-}" ]; then
  args+=(--sample "$SAMPLE" --seed "${SEED:-0}")
fi
command -v cargo-mutants >/dev/null || echo "note: cargo-mutants is missing (cargo install --locked cargo-mutants): only the checker's own mutants"

cargo build -q --release -p checker
started=$(date +%s)
target/release/checker mutants "$@" "${args[@]}"
echo "took $(( $(date +%s) - started )) s on $(nproc) cores (JOBS=${JOBS:-2}${SAMPLE:+, SAMPLE=$SAMPLE SEED=${SEED:-0}})"

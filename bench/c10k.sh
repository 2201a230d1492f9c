#!/usr/bin/env bash
# A benchmark, not a test: how long ex15's C10k probe (the hidden check c10k_connections) takes
# against the reference solution, measured two ways:
#
# 1. as a student's `checker submit` runs it: in the checker's sandbox, whose descriptor limit
#    (4096) caps the probe at 4,000 connections; the check's wall time comes from the report;
# 2. the same probe program run directly, outside the sandbox, with this shell's descriptor
#    limit (the probe raises its soft limit to the hard one): 10,000 connections where the
#    hard limit allows it.
#
# Each run prints the probe's own measurements (connections opened, time to open them with one
# round trip each, one more round trip on all of them, the server's thread count) and the wall
# time. The builds go to a target folder of their own, so other checker runs cannot replace the
# binaries between the two steps.
#
#   bench/c10k.sh              # 3 runs of each
#   RUNS=5 bench/c10k.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
export CHECKER_TARGET_DIR="$PWD/target/bench-c10k"
cargo build -q -p checker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy: the checker re-runs its own executable as the sandbox's supervisor, and a build
# elsewhere in the repository may replace target/debug/checker meanwhile.
cp target/debug/checker "$work/checker"
checker=$work/checker

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); this shell's descriptor limit: soft $(ulimit -Sn), hard $(ulimit -Hn)"

# The c10k_connections entry of a checker report: its outcome, wall time and measurements.
report_line() {
  sed -n '/"name": "c10k_connections"/,/"duration_ms"/p' "$1" |
    sed -n -e 's/.*"outcome": "\(.*\)",/\1/p' -e 's/.*"duration_ms": \([0-9]*\).*/\1 ms/p' -e 's/^ *"\([0-9].*\)",\{0,1\}$/\1/p' |
    paste -sd ' ' - | sed 's/^\([a-z_]*\) \(.*\) \([0-9]* ms\)$/\1 in \3: \2/'
}

echo
echo "== in the checker's sandbox (checker submit ex15 --from solutions/ex15_async_server)"
for run in $(seq 1 "$runs"); do
  "$checker" submit ex15 --from solutions/ex15_async_server --report "$work/report.json" >"$work/console.txt" 2>&1 || {
    echo "run $run: the reference solution did not pass:"
    cat "$work/console.txt"
    exit 1
  }
  echo "run $run: $(report_line "$work/report.json")"
done

echo
echo "== outside the sandbox (the hidden-check program run directly)"
hidden="$CHECKER_TARGET_DIR/debug/ex15_async_server_hidden"
server="$CHECKER_TARGET_DIR/debug/ex15_async_server"
for run in $(seq 1 "$runs"); do
  started=$(date +%s%N)
  # The protocol of pack_support::main: a nonce on stdin, the verdict as JSON on CHECKER_RESULT_FD.
  echo bench | CHECKER_RESULT_FD=3 CHECKER_STUDENT_BIN="$server" CHECKER_SCRATCH_DIR="$work" \
    "$hidden" run c10k_connections 3>"$work/verdict.json" 2>"$work/stderr.txt" || true
  took=$(( ($(date +%s%N) - started) / 1000000 ))
  verdict=$(sed -n 's/.*"verdict":"\([a-z]*\)".*/\1/p' "$work/verdict.json")
  figures=$(sed -n 's/.*"measurements":\["\(.*\)"\].*/\1/p' "$work/verdict.json")
  echo "run $run: ${verdict:-no verdict} in $took ms: $figures"
  if [ "$verdict" != pass ]; then
    cat "$work/verdict.json" "$work/stderr.txt"
    exit 1
  fi
done

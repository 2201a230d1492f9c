#!/usr/bin/env bash
# A benchmark, not a test: how many requests per second the reference metrics server (ex17)
# answers on this machine, under the load generator of ex17's hidden checks
# (pack_support::metrics::run_load, which checks every reply), with the machine's lateness
# (pack_support::net::LoadProbe) alongside. Both are built in release mode.
#
#   bench/metrics_rps.sh            # the reference solution
#   bench/metrics_rps.sh BINARY     # any server that takes --port N
set -euo pipefail
cd "$(dirname "$0")/.."

target="$PWD/target/bench"
if [ $# -ge 1 ]; then
  server="$1"
else
  cargo build -q --release --manifest-path solutions/Cargo.toml -p ex17_metrics_server --target-dir "$target"
  server="$target/release/ex17_metrics_server"
fi
cargo build -q --release --manifest-path bench/metrics_load/Cargo.toml --target-dir "$target"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$target/release/metrics_load" "$server"

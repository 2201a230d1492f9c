#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (the zip's contents
# are in /autograder/source). It installs Rust and builds the checker of the course in course/,
# then grades the skeletons once so that the course's dependencies (tokio and the rest) are
# built before the first student submits: each submission then compiles its own code only.
# Written by `checker gradescope-autograder`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Gradescope's base images are Ubuntu: a C toolchain for Rust's linker, curl for rustup.
if command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl ca-certificates build-essential git
fi
if ! command -v cargo >/dev/null && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain stable
fi
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --locked -p checker --manifest-path "$here/course/Cargo.toml"

warm="$(mktemp -d)"
mkdir -p "$warm/class/skeletons"
cp -R "$here/course/exercises" "$warm/class/skeletons/exercises"
"$here/course/target/release/checker" --root "$here/course" grade "$warm/class" --out "$warm/out" \
  --format json @EXERCISES_ARGS@ >/dev/null
rm -rf "$warm"

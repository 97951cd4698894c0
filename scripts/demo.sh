#!/usr/bin/env bash
# The main job in one command: build the CLI and check the sample certificate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet -p origo-cli
"$CARGO_TARGET_DIR/debug/origo" check examples/certificates/non_preferential.json --format text

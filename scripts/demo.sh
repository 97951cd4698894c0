#!/usr/bin/env bash
# The main job in one command: build the `origo` command and check every example certificate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet -p origo-cli
status=0
for cert in examples/certificates/*.json; do
  echo "== origo check $cert --format text"
  "$CARGO_TARGET_DIR/debug/origo" check "$cert" --format text || status=$?
  echo
done
exit "$status"

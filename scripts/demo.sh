#!/usr/bin/env bash
# The main job in one command: build the `origo` command, check every example certificate (the
# reviewer's opinion in Chinese and English) and render each one to out/<name>.pdf.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet -p origo-cli
origo="$CARGO_TARGET_DIR/debug/origo"
mkdir -p out
status=0
for cert in examples/certificates/*.json; do
  name="$(basename "$cert" .json)"
  echo "== origo check $cert --format text"
  "$origo" check "$cert" --format text || status=$?
  "$origo" render "$cert" -o "out/$name.pdf"
  echo "== rendered out/$name.pdf"
  echo
done
exit "$status"

#!/usr/bin/env bash
# The main job in one command: build the `origo` command, check every example certificate (the
# reviewer's opinion in Chinese and English, each item's origin criterion from its pre-review)
# and render each one to out/<name>.pdf; then a certificate with findings (too many items, a
# pre-review missing), and the agreements compared for the example product.
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
# Certificates that must not pass: the check exits 1 with its findings, which is the point here.
for cert in examples/certificates/findings/*.json; do
  echo "== origo check $cert --format text   (expected: findings)"
  if "$origo" check "$cert" --format text; then
    echo "$cert: expected error findings, the check passed" >&2
    status=1
  fi
  echo
done
echo "== origo determine-origin examples/products/kettle.json --to TH --compare --format text"
"$origo" determine-origin examples/products/kettle.json --to TH --compare --format text || status=$?
exit "$status"

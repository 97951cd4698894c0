#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60) and prints a summary line per target.
# Needs the nightly toolchain and cargo-fuzz (installed on first use).
# Crashes are written to fuzz/artifacts/<target>/; turn each into a regression test under tests/.
set -euo pipefail
seconds="${1:-60}"
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2
targets=$(sed -n 's/^name = "\(.*\)"/\1/p' Cargo.toml | grep -v '^origo-fuzz$')
for t in $targets; do
  mkdir -p "corpus/$t"
  seeds="seeds/$t"
  [ -d "$seeds" ] && cp -n "$seeds"/* "corpus/$t/" 2>/dev/null || true
  log=$(mktemp)
  if cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  echo "fuzz $t: $status, $runs runs in ${seconds}s, coverage $cov"
  if [ "$status" != ok ]; then tail -40 "$log"; rm -f "$log"; exit 1; fi
  rm -f "$log"
done

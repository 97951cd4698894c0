#!/usr/bin/env bash
# The one test command: Rust (fmt, clippy, tests), the Python wheel (dev build, pytest,
# stubtest, mypy), the WASM builds, default and render (node tests, tsc, headless Chromium e2e), the
# packages as users install them (scripts/package-test.sh).
# Needs: a Rust toolchain, python3 with venv, node/npm, /usr/bin/chromium (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

timings=()
stage_start=$SECONDS
stage() {
  local now=$SECONDS
  [ -n "${stage_name:-}" ] && timings+=("$(printf '%-28s %4ds' "$stage_name" $((now - stage_start)))")
  stage_name="$1"
  stage_start=$now
  [ -n "$1" ] && echo "==> $1"
  return 0
}
report() {
  local status=$?
  stage ""
  echo "==> stage timings"
  printf '  %s\n' "${timings[@]}"
  exit $status
}
trap report EXIT

stage "rust: fmt + clippy"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet --features origo-wasm/render -- -D warnings
# The smallest command (no renderer, no service, no Excel) builds too.
cargo clippy -p origo-cli --no-default-features --all-targets --quiet -- -D warnings

stage "rust: tests"
cargo test --workspace --exclude origo-python --quiet
# The hosts' types are generated from the schemas the tests just compared (schema/operations/).
python3 scripts/gen-types.py --check

stage "python: wheel"
[ -x .venv/bin/maturin ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check maturin==1.16.0
wheels="$CARGO_TARGET_DIR/wheels"
rm -f "$wheels"/origo-*.whl
# The dev profile reuses the dependencies the Rust tests just built (bindings/python/Cargo.toml
# turns on the same features), where a release build compiles Typst again: about 12 minutes of a
# cold 2-core run. What it tests is the same: the abi3 wheel, installed without Rust or sources.
.venv/bin/maturin build --profile dev --strip -m bindings/python/Cargo.toml -o "$wheels"

stage "python: tests"
rm -rf .venv-wheel
python3 -m venv .venv-wheel  # a fresh venv: the wheel must install without Rust or sources
.venv-wheel/bin/pip install --quiet --disable-pip-version-check pytest mypy "$wheels"/origo-*.whl
(
  cd bindings/python
  ../../.venv-wheel/bin/python -m pytest -q tests
  ../../.venv-wheel/bin/python -m mypy.stubtest origo._native
  ../../.venv-wheel/bin/python -m mypy --strict python/origo
  ../../.venv-wheel/bin/python -m mypy --strict tests ../../examples/python
)

stage "python: cluster recipe"
# Dask on a local cluster of two worker processes over a few hundred synthetic certificates.
.venv-wheel/bin/pip install --quiet --disable-pip-version-check "dask[dataframe]" distributed pyarrow
.venv-wheel/bin/python -m pytest -q examples/cluster

stage "wasm: build"
# With the render build (pkg/web-render); the node tests and the e2e then require it.
export ORIGO_WASM_RENDER=1
bindings/wasm/build.sh

stage "wasm: node tests + tsc"
(
  cd bindings/wasm
  [ -d node_modules ] || npm ci --no-audit --no-fund
  node --test tests/
  npx tsc --noEmit -p tests/tsconfig.json
)

stage "wasm: browser e2e"
(cd bindings/wasm && node --test e2e/)

stage "packages: sdist, npm pack, cargo package"
scripts/package-test.sh

echo "==> all tests passed"

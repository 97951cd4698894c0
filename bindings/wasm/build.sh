#!/usr/bin/env bash
# Builds the WASM binding: pkg/web (ES module, for browsers: small, under its size budget),
# pkg/node and pkg/node-esm (CommonJS and ES module of the Node build: optimised for speed, which
# index.js loads in Node) and pkg/web-test (the web build with the test hooks, for the JS tests).
# Installs the wasm32 target when it is missing; the JS glue is written by bindings/wasm/glue.
# With --render (or ORIGO_WASM_RENDER=1) it also builds pkg/web-render: the web build with the
# Typst renderer and its fonts, behind `renderSvg`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
render="${ORIGO_WASM_RENDER:-0}"
for arg in "$@"; do
  case "$arg" in
    --render) render=1 ;;
    *) echo "usage: build.sh [--render]" >&2; exit 2 ;;
  esac
done

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# wasm-bindgen's glue writer: a workspace of its own (glue/Cargo.toml says why).
cargo build --quiet --release --locked --manifest-path "$here/glue/Cargo.toml" --target-dir "$target"
glue="$target/release/origo-wasm-glue"

wasm="$target/wasm32-unknown-unknown/wasm/origo_wasm.wasm"
# `opt-level = "z"` inlines almost nothing (LLVM threshold 25), so the hot paths call small
# functions like `map_err` through the call stack; 40 checks a certificate about 1.4x faster for
# 15 KB gzipped (BENCHMARKS.md). Only the default build: the render build has its own profile.
build() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Cllvm-args=-inline-threshold=40" \
    cargo build --quiet -p origo-wasm --target wasm32-unknown-unknown --profile wasm "$@"
}

build --features test-hooks
"$glue" web "$wasm" "$here/pkg/web-test"
build
"$glue" web "$wasm" "$here/pkg/web"

cargo build --quiet -p origo-wasm --target wasm32-unknown-unknown --profile wasm-node
node_wasm="$target/wasm32-unknown-unknown/wasm-node/origo_wasm.wasm"
"$glue" nodejs "$node_wasm" "$here/pkg/node"
echo '{ "type": "commonjs" }' > "$here/pkg/node/package.json"  # the nodejs glue is CommonJS
"$glue" web "$node_wasm" "$here/pkg/node-esm"
# The two glues load the same module (wasm-bindgen writes it byte for byte alike): index.js takes
# the one in pkg/node, so the package carries it once.
cmp -s "$here/pkg/node/origo_wasm_bg.wasm" "$here/pkg/node-esm/origo_wasm_bg.wasm" ||
  { echo "error: the Node build's two glues were given different modules" >&2; exit 1; }
rm "$here/pkg/node-esm/origo_wasm_bg.wasm"

raw=$(wc -c < "$here/pkg/web/origo_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/web/origo_wasm_bg.wasm" | wc -c)
echo "origo_wasm_bg.wasm: $raw bytes, $gz gzipped"
# Budget of the default build: 720 KB gzipped (see BENCHMARKS.md for what keeps it there). It was
# 400 KB until the national product-specific-rule tables (about 100 KB gzipped), the annex
# importer and the workflow machines were embedded (measured 683,020 B).
if [ "$gz" -gt 737280 ]; then
  echo "error: origo_wasm_bg.wasm is $gz bytes gzipped, over the 720 KB (737280 B) budget" >&2
  exit 1
fi

if [ "$render" = 1 ]; then
  # Own profile: one codegen unit over Typst takes too long for a cold CI build on 2 cores.
  cargo build --quiet -p origo-wasm --target wasm32-unknown-unknown --profile wasm-render --features render
  "$glue" web "$target/wasm32-unknown-unknown/wasm-render/origo_wasm.wasm" "$here/pkg/web-render"
  raw=$(wc -c < "$here/pkg/web-render/origo_wasm_bg.wasm")
  gz=$(gzip -9 -c "$here/pkg/web-render/origo_wasm_bg.wasm" | wc -c)
  echo "render build origo_wasm_bg.wasm: $raw bytes, $gz gzipped"
fi

#!/usr/bin/env bash
# The packages as a user receives them: the Python sdist built and installed into a fresh venv
# (and imported), the npm tarball installed into a scratch project (imported from ESM and CJS,
# type-checked), and the file list of every publishable crate (the rulebook and the templates
# travel inside their crates). Run by scripts/test-all.sh after the wheel and the WASM builds:
# it needs .venv (maturin) and bindings/wasm/pkg.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"

echo "--> crates: cargo package"
# Together: each crate's packaged manifest resolves its sibling crates from the others' packages.
crates=(origo-rules origo-templates origo origo-server origo-cli)
cargo package --quiet --no-verify --allow-dirty "${crates[@]/#/-p}"
for krate in "${crates[@]}"; do
  tar -tzf "$CARGO_TARGET_DIR/package/$krate-$version.crate" | sed "s|^$krate-$version/||" > "$scratch/$krate.files"
done
expect() { # expect CRATE FILE...: each file is in the crate's package
  local krate="$1"; shift
  for f in "$@"; do
    grep -qx "$f" "$scratch/$krate.files" || { echo "$krate: $f is not packaged" >&2; exit 1; }
  done
}
expect origo-rules rulebook.toml agreements/rcep.toml calendar/policies.toml psr/korea.csv workflows/prereview.toml
expect origo-templates forms/lib.typ forms/rcep.typ forms/invoice.typ
expect origo build.rs schema/certificate.schema.json schema/product.schema.json schema/report.schema.json
# Every embedded file the sources name (include_str!) is inside its crate.
for f in $(sed -n 's/^ *"\(.*\)",$/\1/p' rules/src/lib.rs | grep -E '\.(toml|csv)$'); do expect origo-rules "$f"; done
for f in $(ls templates/forms); do expect origo-templates "forms/$f"; done
if grep -q '^target/' "$scratch/origo.files"; then echo "origo: build output is packaged" >&2; exit 1; fi

echo "--> python: sdist into a fresh venv"
.venv/bin/maturin sdist -m bindings/python/Cargo.toml -o "$scratch/sdist"
sdist="$(ls "$scratch"/sdist/origo-*.tar.gz)"
[[ "$(basename "$sdist")" == "origo-$version.tar.gz" ]] || { echo "sdist $(basename "$sdist"): not version $version" >&2; exit 1; }
mkdir "$scratch/sdist-src"
tar -xzf "$sdist" -C "$scratch/sdist-src"
# Fresh times: the sdist's files carry old ones, and cargo would take this checkout's build of the
# same crates as current; touched, the sdist's own sources are compiled. The dev profile and this
# target directory reuse the compiled dependencies (see the wheel stage).
find "$scratch/sdist-src" -type f -exec touch {} +
python3 -m venv "$scratch/venv"
MATURIN_PEP517_ARGS="--profile dev" "$scratch/venv/bin/pip" install --quiet --disable-pip-version-check "$scratch/sdist-src/origo-$version"
(cd "$scratch" && venv/bin/python - "$version" "$root/examples/certificates/asean.json" <<'EOF'
import importlib.metadata as md, json, sys
import origo
version, example = sys.argv[1], sys.argv[2]
assert md.version("origo") == version, md.version("origo")
meta = md.metadata("origo")
assert meta["Requires-Python"] == ">=3.10" and meta["License"], meta
assert origo.check(json.load(open(example, encoding="utf-8"))).ok
print(f"origo {version} from the sdist: check ok")
EOF
)

echo "--> npm: npm pack into a scratch project"
(cd bindings/wasm && npm pack --silent --pack-destination "$scratch" > "$scratch/npm-pack.name")
tarball="$scratch/$(tail -n1 "$scratch/npm-pack.name")"
[[ "$(basename "$tarball")" == "origo-$version.tgz" ]] || { echo "npm pack $(basename "$tarball"): not version $version" >&2; exit 1; }
tar -tzf "$tarball" > "$scratch/npm.files"
for f in package/index.js package/index.d.ts package/contract.d.ts package/pkg/web/origo_wasm_bg.wasm package/pkg/node/origo_wasm.js package/pkg/node/origo_wasm_bg.wasm package/pkg/node-esm/origo_wasm.js; do
  grep -qx "$f" "$scratch/npm.files" || { echo "npm package: $f is missing" >&2; exit 1; }
done
mkdir -p "$scratch/app"
cp examples/certificates/asean.json "$scratch/app/asean.json"
(
  cd "$scratch/app"
  echo '{ "name": "scratch", "private": true, "type": "module" }' > package.json
  npm install --silent --no-audit --no-fund --offline "$tarball"
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import * as origo from "origo";
    await origo.init();
    const report = origo.check(JSON.parse(readFileSync("asean.json", "utf8")));
    if (!report.ok) throw new Error(JSON.stringify(report.findings));
    console.log(`origo ${origo.rulebookVersion()} from npm (ESM): check ok`);'
  node -e '
    const origo = require("origo/json");
    const answer = JSON.parse(origo.call("rules", "{}"));
    if (!answer.ok || !answer.ok.agreements.length) throw new Error(JSON.stringify(answer));
    console.log("origo/json from npm (CJS): rules ok");'
  cat > check.ts <<'EOF'
import * as origo from "origo";
import type { Certificate, DetermineOriginAnswer } from "origo";
export async function run(certificate: Certificate): Promise<boolean> {
  await origo.init();
  const decision: DetermineOriginAnswer = origo.determineOrigin(certificate.products![0], "asean", "TH");
  return origo.check(certificate).ok && typeof decision.originating === "boolean";
}
EOF
  "$root/bindings/wasm/node_modules/.bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 check.ts
  echo "origo types from npm: tsc ok"
)
echo "==> packages ok"

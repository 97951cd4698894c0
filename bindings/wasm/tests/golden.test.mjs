// Byte-for-byte agreement with the Rust core: the report JSON of every example equals the golden
// file the Rust and Python tests compare against too.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { REPO } from "./judge.mjs";

const node = createRequire(import.meta.url)("../pkg/node/origo_wasm.js");
const dir = join(REPO, "examples", "certificates");

for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  test(`report of ${file} matches the Rust core byte for byte`, () => {
    const certificate = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const answer = node.call("check", JSON.stringify({ certificate, today: "2026-11-27" }));
    const golden = readFileSync(join(REPO, "tests", "golden", file.replace(/\.json$/, ".report.json")), "utf8");
    assert.equal(answer, `{"ok":${golden}}`);
  });
}

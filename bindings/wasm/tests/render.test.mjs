// The render build (`build.sh --render`): `renderSvg` draws the certificate in the module.
// Skipped when pkg/web-render is absent, unless ORIGO_WASM_RENDER=1 (the test command) demands it.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import * as origo from "../index.js";
import { REPO } from "./judge.mjs";

const built = existsSync(new URL("../pkg/web-render/origo_wasm_bg.wasm", import.meta.url));
const skip = !built && process.env.ORIGO_WASM_RENDER !== "1" && "no render build (build.sh --render)";
const SAMPLE = JSON.parse(readFileSync(join(REPO, "examples", "certificates", "non_preferential.json"), "utf8"));
const sample = () => structuredClone(SAMPLE);

before(async () => {
  if (!skip) await origo.init({ render: true });
});

test("renderSvg draws the example certificate, the same bytes every time", { skip }, () => {
  const svg = origo.renderSvg({ certificate: sample() });
  assert.match(svg, /^<svg[^>]* viewBox="0 0 595\.\d+ 841\.\d+"/, "one A4 page");
  assert.equal(origo.renderSvg({ certificate: sample() }), svg);
  // Typst draws text as glyph outlines, so the certificate's text shows up as changed glyphs.
  const renamed = sample();
  renamed.exporter.name = "ANOTHER EXPORTER CO., LTD.";
  assert.notEqual(origo.renderSvg({ certificate: renamed }), svg, "the exporter's name is drawn");
});

test("renderSvg ignores a requested format and honours the other options", { skip }, () => {
  const svg = origo.renderSvg({ certificate: sample(), format: "pdf" });
  assert.match(svg, /^<svg/);
  const invoice = origo.renderSvg({ certificate: sample(), invoice: true });
  assert.match(invoice, /^<svg/);
  assert.notEqual(invoice, svg);
});

test("renderSvg: unreadable input throws an OrigoError with a code", { skip }, () => {
  const cases = [
    [() => origo.renderSvg(42), "invalid_type", ""],
    [() => origo.renderSvg({}), "missing_field", ""],
    [() => origo.renderSvg({ certificate: { ...sample(), agreement: "atlantis" } }), "unknown_agreement", "agreement"],
    [() => origo.renderSvg({ certificate: sample(), page: 99 }), "page_out_of_range", "page"],
    [() => origo.renderSvg({ certificate: sample(), colour: "red" }), "unknown_field", "colour"],
    [() => origo.renderSvg({ certificate: { ...sample(), exporter: { ...SAMPLE.exporter, name: "x".repeat(10_000_000) } } }), "input_too_large", ""],
  ];
  for (const [run, code, path] of cases) {
    assert.throws(run, (e) => e instanceof origo.OrigoError && e.code === code && e.path === path, `${code} at ${path}`);
  }
  assert.match(origo.renderSvg({ certificate: sample() }), /^<svg/, "the instance still works");
  assert.equal(origo.check(sample()).ok, true, "the JSON layer works in the render build too");
});

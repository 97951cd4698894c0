// JS-specific behaviour: objects in and out, OrigoError, bad input that must not kill the module.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as origo from "../index.js";
import { REPO } from "./judge.mjs";

const SAMPLE = JSON.parse(readFileSync(join(REPO, "examples", "certificates", "non_preferential.json"), "utf8"));
const sample = () => structuredClone(SAMPLE);

test("calls before init throw an OrigoError", () => {
  assert.throws(() => origo.codes(), { name: "OrigoError", code: "internal_error" });
});

test("check returns the report as an object", async () => {
  await origo.init();
  const report = origo.check(sample(), { today: "2026-03-05" });
  assert.equal(report.ok, true);
  assert.equal(report.agreement, "non_preferential");
  assert.equal(report.derived.item_count, 2);
  assert.deepEqual(report.findings, []);
});

test("checkText answers the report's JSON text, the same report as check", async () => {
  await origo.init();
  const request = { certificate: sample(), today: "2026-03-05" };
  const text = origo.checkText(JSON.stringify(request));
  assert.equal(typeof text, "string");
  assert.deepEqual(JSON.parse(text), origo.check(request.certificate, { today: request.today }));
  assert.throws(() => origo.checkText('{"certificate": '), { name: "OrigoError", code: "invalid_json" });
  assert.throws(() => origo.checkText("{}"), { name: "OrigoError", code: "missing_field" });
});

test("a rule violation is a finding, not an exception", async () => {
  await origo.init();
  const report = origo.check({ ...sample(), goods: [] });
  assert.equal(report.ok, false);
  const f = report.findings.find((x) => x.code === "no_goods");
  assert.equal(f.severity, "error");
  assert.equal(f.path, "goods");
  assert.ok(f.message.zh && f.message.en && f.source);
});

test("unreadable input throws an Error with code, path and message", async () => {
  await origo.init();
  assert.throws(
    () => origo.check({ ...sample(), agreement: "atlantis" }),
    (err) => {
      assert.ok(err instanceof Error && err instanceof origo.OrigoError);
      assert.equal(err.code, "unknown_agreement");
      assert.equal(err.path, "agreement");
      assert.match(err.messageZh, /atlantis/);
      assert.match(err.message, /unknown_agreement at `agreement`/);
      return true;
    },
  );
});

test("bad input gives codes and never kills the instance", async () => {
  await origo.init();
  const cyclic = sample();
  cyclic.goods[0].self = cyclic;
  const cases = [
    [() => origo.check(42), "invalid_type", "certificate"],
    [() => origo.check("not an object"), "invalid_type", "certificate"],
    [() => origo.check(null), "invalid_type", "certificate"],
    [() => origo.check(cyclic), "invalid_value", ""],
    [() => origo.check({ ...sample(), goods: [{ ...SAMPLE.goods[0], package_count: "600" }] }), "invalid_type", "certificate.goods[0].package_count"],
    [() => origo.check({ ...sample(), goods: [{ ...SAMPLE.goods[0], quantity: 10n }] }), "invalid_type", ""],
    [() => origo.check({ ...sample(), exporter: { ...SAMPLE.exporter, name: "x".repeat(10_000_000) } }), "input_too_large", ""],
    [() => origo.call("no_such_operation"), "unknown_operation", ""],
    [() => origo.schema("nonsense"), "unknown_schema", "name"],
  ];
  for (const [run, code, path] of cases) {
    assert.throws(run, (e) => e instanceof origo.OrigoError && e.code === code && e.path === path, `${code} at ${path}`);
  }
  assert.equal(origo.check(sample()).ok, true, "the instance still works");
});

test("a host PSR table replaces the agreement's rules for one call", async () => {
  await origo.init();
  const kettle = JSON.parse(readFileSync(join(REPO, "examples", "products", "kettle.json"), "utf8"));
  assert.equal(origo.determineOrigin(kettle, "asean").originating, true);
  const decision = origo.determineOrigin(kettle, "asean", undefined, { psrCsv: "hs_prefix,rule,source\n8516,WO,host table\n" });
  assert.equal(decision.originating, false);
  assert.equal(decision.rule.hs_prefix, "8516");
  assert.throws(() => origo.determineOrigin(kettle, "asean", undefined, { psrCsv: "hs_prefix,rule,source\n8516,CTH or,x\n" }), {
    name: "OrigoError",
    code: "rulebook_invalid",
  });
});

test("the date picks the product-specific table in force", async () => {
  await origo.init();
  const vectors = JSON.parse(readFileSync(join(REPO, "tests", "vectors", "origin_psr.json"), "utf8"));
  const { product } = vectors.cases.find((c) => c.input.date === "2010-06-01").input;
  const before = origo.determineOrigin(product, "ecfa", undefined, { date: "2010-06-01" });
  assert.equal(before.rule, null);
  assert.match(before.notes[0].en, /in force on 2010-06-01/);
  assert.match(origo.determineOrigin(product, "ecfa").notes[0].en, /^no date given/);
});

test("every core operation is the JS function of its name in camelCase", async () => {
  await origo.init();
  const source = readFileSync(new URL("../index.js", import.meta.url), "utf8");
  const types = readFileSync(new URL("../index.d.ts", import.meta.url), "utf8");
  const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  // The render build's operations: the default build's plus the two that draw.
  const names = [...origo.operations(), "render", "render_reply_letter"].filter((n, i, all) => all.indexOf(n) === i);
  for (const name of names) {
    const js = camel(name);
    assert.equal(typeof origo[js], "function", `the core operation \`${name}\` has no JS function \`${js}\``);
    assert.match(types, new RegExp(`export function ${js}\\(`), `index.d.ts does not declare \`${js}\``);
    if (name === "render") continue; // goes through the module's byte-returning entry
    const body = source.match(new RegExp(`export const ${js} = [^;]*?call\\("(\\w+)"`));
    assert.equal(body?.[1], name, `${js} must send \`${name}\``);
  }
});

test("schema answers the committed, generated schema files", async () => {
  await origo.init();
  for (const name of ["certificate", "product", "report"]) {
    const file = JSON.parse(readFileSync(join(REPO, "schema", `${name}.schema.json`), "utf8"));
    assert.deepEqual(origo.schema(name), file, name);
  }
});

test("schema, codes, rules", async () => {
  await origo.init();
  assert.equal(origo.schema().title, "Certificate");
  assert.ok(origo.codes().some((c) => c.code === "item_limit_exceeded"));
  assert.ok(origo.rules().agreements.some((a) => a.code === "non_preferential"));
  assert.equal(origo.rulebookVersion(), origo.rules().version);
});

test("renderSvg in the default build says to load the render build", async () => {
  await origo.init();
  assert.throws(() => origo.renderSvg({ certificate: sample() }), { name: "OrigoError", code: "unknown_operation", message: /init\(\{ render: true \}\)/ });
});

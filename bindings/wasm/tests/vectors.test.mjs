// Every shared vector through the Node build's CommonJS glue (the raw JSON call), and through
// index.js on each of the two builds: the Node build (its default in Node) and the browser build.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import * as origo from "../index.js";
import { cases, judge, vectorFiles } from "./judge.mjs";

const node = createRequire(import.meta.url)("../pkg/node/origo_wasm.js");
await origo.init();
// A second copy of the wrapper (its own module state), on the browser build.
const web = await import("../index.js?build=web");
await web.init({ glue: new URL("../pkg/web/origo_wasm.js", import.meta.url) });

test("vector files exist", () => assert.ok(vectorFiles().length > 0, "no vector files found"));

for (const c of cases()) {
  test(`nodejs build: ${c.id}`, () => {
    const answer = JSON.parse(node.call(c.op, JSON.stringify(c.input)));
    const error = answer.error && { code: answer.error.code, path: answer.error.path, messageEn: answer.error.message.en };
    const why = judge(c.expect, answer.ok, error ?? null);
    assert.equal(why, null, why);
  });
  for (const [build, api] of [["Node build", origo], ["browser build", web]]) {
    test(`index.js, ${build}: ${c.id}`, () => {
      let answer = null;
      let error = null;
      try {
        answer = api.call(c.op, c.input);
      } catch (e) {
        if (!(e instanceof api.OrigoError)) throw e;
        error = e;
      }
      const why = judge(c.expect, answer, error);
      assert.equal(why, null, why);
    });
  }
}

test("the judge can fail", () => {
  const answer = { ok: false, findings: [{ code: "no_goods", path: "goods", severity: "error" }] };
  assert.equal(judge({ findings: [{ code: "no_goods", path: "goods" }] }, answer, null), null);
  assert.ok(judge({ findings: [{ code: "no_goods", path: "x" }] }, answer, null));
  assert.ok(judge({ absent: ["no_goods"] }, answer, null));
  assert.ok(judge({ values: { "/ok": 0 } }, answer, null));
  assert.ok(judge({ error: { code: "x" } }, answer, null));
  assert.ok(judge({}, null, { code: "x", path: "" }));
});

// A panic inside the module (test-hooks build) surfaces as OrigoError and the module lives on.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as origo from "../index.js";

await origo.init({ glue: new URL("../pkg/web-test/origo_wasm.js", import.meta.url) });

const isInternal = (e) => e instanceof origo.OrigoError && e.code === "internal_error";

test("a panic throws internal_error with the panic message, and the next call works", () => {
  assert.throws(() => origo.call("__panic__"), (e) => isInternal(e) && /deliberate panic/.test(e.messageEn));
  assert.ok(origo.codes().length > 0);
});

test("panics in a row: the caller may have to await init() once, never a dead module", async () => {
  for (let i = 0; i < 5; i++) {
    await origo.init();
    assert.throws(() => origo.call("__panic__"), isInternal);
    assert.throws(() => origo.call("__panic__"), isInternal);
  }
  await origo.init();
  assert.equal(origo.rules().agreements.length > 0, true);
});

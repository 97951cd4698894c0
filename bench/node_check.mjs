// `check` on a 20-item certificate through the WASM binding in Node, median per call: the object
// API (`check`) and the text API (`checkText`, JSON text in and out) side by side, on the Node
// build (index.js's default in Node) and on the browser build (`pkg/web`, size-optimised).
//   node bench/node_check.mjs     (after bindings/wasm/build.sh)
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as node from "../bindings/wasm/index.js";

const sample = JSON.parse(readFileSync(new URL("../examples/certificates/non_preferential.json", import.meta.url), "utf8"));
const cert = { ...sample, goods: Array.from({ length: 20 }, (_, i) => ({ ...sample.goods[i % 2], item_no: i + 1 })) };
const text = JSON.stringify({ certificate: cert }); // the request, as a host holding JSON text sends it

// A second copy of the wrapper (its own module state) on the browser build.
const web = await import("../bindings/wasm/index.js?build=web");
await node.init();
await web.init({ glue: new URL("../bindings/wasm/pkg/web/origo_wasm.js", import.meta.url) });
const builds = { node, web };
for (const origo of Object.values(builds)) {
  if (!origo.check(cert).ok) throw new Error("the benchmark certificate must pass");
  if (!JSON.parse(origo.checkText(text)).ok) throw new Error("the benchmark certificate must pass as text");
}

const n = 5000;
function median(f) {
  for (let i = 0; i < n / 10; i++) f();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return [times[n >> 1] * 1000, times[Math.floor(n * 0.95)] * 1000];
}
// Interleaved rounds, so that a busy moment of the machine falls on all alike.
const rounds = {};
for (let r = 0; r < 3; r++) {
  for (const [build, origo] of Object.entries(builds)) {
    (rounds[`${build} build: check`] ??= []).push(median(() => origo.check(cert)));
    (rounds[`${build} build: checkText`] ??= []).push(median(() => origo.checkText(text)));
  }
}
for (const [name, rs] of Object.entries(rounds)) {
  const med = rs.map((x) => x[0]).sort((a, b) => a - b)[1];
  const p95 = rs.map((x) => x[1]).sort((a, b) => a - b)[1];
  console.log(`${name} (20 items) median ${med.toFixed(1)} µs, p95 ${p95.toFixed(1)} µs`);
}

// `check` on a 20-item certificate through the WASM binding in Node: median per call.
//   node bench/node_check.mjs     (after bindings/wasm/build.sh)
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as origo from "../bindings/wasm/index.js";

const sample = JSON.parse(readFileSync(new URL("../examples/certificates/non_preferential.json", import.meta.url), "utf8"));
const cert = { ...sample, goods: Array.from({ length: 20 }, (_, i) => ({ ...sample.goods[i % 2], item_no: i + 1 })) };

await origo.init();
if (!origo.check(cert).ok) throw new Error("the benchmark certificate must pass");
const n = 5000;
for (let i = 0; i < n / 10; i++) origo.check(cert);
const times = [];
for (let i = 0; i < n; i++) {
  const t = performance.now();
  origo.check(cert);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`check (20 items) median ${(times[n >> 1] * 1000).toFixed(1)} µs, p95 ${(times[Math.floor(n * 0.95)] * 1000).toFixed(1)} µs`);

// End to end in headless Chromium: the pre-check page raises the goods count past the China–New
// Zealand limit (20 items) and shows `item_limit_exceeded`, above the repeated notes grouped into
// one line; with the render build (always in the
// test command, ORIGO_WASM_RENDER=1) the certificate preview beside it is an SVG that follows the
// edit. Serves the repository on 127.0.0.1.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const SHOTS = process.env.ORIGO_SCREENSHOTS ?? join(REPO, "target", "e2e");
const RENDER = process.env.ORIGO_WASM_RENDER === "1" || existsSync(join(REPO, "bindings/wasm/pkg/web-render/origo_wasm_bg.wasm"));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };

let server;
let browser;
let base;

before(async () => {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    try {
      const body = readFileSync(join(REPO, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test("raising the goods count past the New Zealand limit shows item_limit_exceeded", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/examples/web/index.html`);
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.textContent("#status"), "可以提交 / ready to submit");
  assert.equal(await page.isVisible("#preview-section"), RENDER, "the preview shows exactly with the render build");
  if (RENDER) await page.locator("#preview > svg").waitFor();

  const agreements = await page.$$eval("#agreement option", (options) => options.map((o) => o.value));
  assert.ok(agreements.includes("new_zealand"), "the built-in rulebook needs the `new_zealand` agreement (20-item limit)");
  await page.selectOption("#agreement", "new_zealand");
  await page.fill("#destination", "NZ");
  await page.fill("#goods-count", "20");
  await page.dispatchEvent("#goods-count", "change");
  assert.equal(await page.locator("[data-code=item_limit_exceeded]").count(), 0, "20 items are allowed");

  await page.click("#goods-plus");
  assert.equal(await page.inputValue("#goods-count"), "21");
  const finding = page.locator("[data-code=item_limit_exceeded]");
  await finding.waitFor();
  assert.match(await finding.textContent(), /20/);
  assert.match(await page.textContent("#status"), /有错误/);
  assert.match(await page.inputValue("#editor"), /"item_no": 21/);
  // One line per code, errors first: the notes repeated over 21 items do not bury the errors.
  const lines = await page.$$eval("#findings li", (lis) => lis.map((li) => ({ code: li.dataset.code, severity: li.className, count: Number(li.dataset.count) })));
  assert.equal(new Set(lines.map((l) => `${l.code} ${l.severity}`)).size, lines.length, "each code once per severity");
  assert.ok(lines.some((l) => l.count > 1), `a repeated finding is grouped: ${JSON.stringify(lines)}`);
  const firstOther = lines.findIndex((l) => l.severity !== "error");
  assert.ok(firstOther > 0 && lines.slice(firstOther).every((l) => l.severity !== "error"), `errors first: ${JSON.stringify(lines)}`);
  if (RENDER) {
    await page.locator("#preview:not([data-pending])").waitFor();
    assert.equal(await page.getAttribute("#preview", "data-state"), "ok");
    const box = await page.locator("#preview > svg").boundingBox();
    assert.ok(box && box.width > 300 && box.height > box.width, `an A4 page beside the findings: ${JSON.stringify(box)}`);
  }

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, "web-item-limit.png"), fullPage: true });

  await page.click("#goods-minus");
  await page.locator("[data-code=item_limit_exceeded]").waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
});

test("the JSON editor is checked as the person types", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/examples/web/index.html`);
  await page.waitForSelector("body[data-ready=true]");
  const text = await page.inputValue("#editor");
  await page.fill("#editor", text.replace('"agreement": "non_preferential"', '"agreement": "atlantis"'));
  assert.match(await page.textContent("#status"), /unknown_agreement @ agreement/);
  await page.fill("#editor", "{ not json");
  assert.match(await page.textContent("#status"), /JSON/);
  await page.fill("#editor", text);
  assert.equal(await page.textContent("#status"), "可以提交 / ready to submit");
});

// The pre-check page: edit a certificate, see origo's findings as you type (all in the browser),
// and, when the render build is there (build.sh --render), the certificate drawn beside them.
import * as origo from "../../bindings/wasm/index.js";

const $ = (id) => document.getElementById(id);
const editor = $("editor");
const statusLine = $("status");
const findingsList = $("findings");

/** The certificate being edited; the form fields and the JSON editor both write to it. */
let certificate = null;

/** The render build loaded: the preview is drawn. */
let rendering = false;
let previewTimer = 0;
/** Drawing takes far longer than checking, so the preview waits for a pause in typing. */
const PREVIEW_DELAY_MS = 250;

function show(text, ok) {
  statusLine.textContent = text;
  statusLine.className = ok ? "ok" : "bad";
}

function item(className, ...children) {
  const li = document.createElement("li");
  li.className = className;
  for (const [tag, cls, text] of children) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = text;
    li.append(el);
  }
  return li;
}

/** One line per code and severity, errors first, as the core groups them; the places listed. */
function renderFindings(groups) {
  findingsList.replaceChildren(
    ...groups.map((g) => {
      const times = g.count > 1 ? ` ×${g.count}` : "";
      const places = g.paths.map((p) => p || "—").join(", ");
      const li = item(
        g.severity,
        ["div", "code", `${g.severity} · ${g.code}${times} · ${places} · ${g.source}`],
        ["div", "zh", g.message.zh],
        ["div", "en", g.message.en],
      );
      li.dataset.code = g.code;
      li.dataset.count = String(g.count);
      return li;
    }),
  );
}

function recheck() {
  try {
    const report = origo.check(certificate);
    show(report.ok ? "可以提交 / ready to submit" : "有错误 / has errors", report.ok);
    renderFindings(report.groups);
  } catch (e) {
    if (!(e instanceof origo.OrigoError)) throw e;
    show(`无法读取 / unreadable: ${e.code}${e.path ? ` @ ${e.path}` : ""}`, false);
    renderFindings([{ code: e.code, severity: "error", count: 1, paths: [e.path], source: "", message: { zh: e.messageZh, en: e.messageEn } }]);
  }
}

/** Draws page 1 with the form grid; an unreadable certificate keeps the last drawing, dimmed. */
function redraw() {
  const preview = $("preview");
  try {
    const svg = origo.renderSvg({ certificate, preview: true });
    const drawing = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
    preview.replaceChildren(document.importNode(drawing, true));
    preview.dataset.state = "ok";
    $("preview-status").textContent = "";
  } catch (e) {
    if (!(e instanceof origo.OrigoError)) throw e;
    preview.dataset.state = "error";
    $("preview-status").textContent = `无法预览 / cannot draw: ${e.code}${e.path ? ` @ ${e.path}` : ""}`;
  }
  delete preview.dataset.pending;
}

function schedulePreview() {
  if (!rendering) return;
  clearTimeout(previewTimer);
  $("preview").dataset.pending = "true";
  previewTimer = setTimeout(redraw, PREVIEW_DELAY_MS);
}

function syncFields() {
  $("agreement").value = certificate?.agreement ?? "";
  $("destination").value = certificate?.destination ?? "";
  $("goods-count").value = Array.isArray(certificate?.goods) ? certificate.goods.length : 0;
}

function changed({ fromEditor = false } = {}) {
  if (!fromEditor) editor.value = JSON.stringify(certificate, null, 2);
  syncFields();
  recheck();
  schedulePreview();
}

/** Grows or shrinks the goods list by copying the last item, numbering items 1, 2, 3... */
function setGoodsCount(n) {
  if (!certificate || !Array.isArray(certificate.goods) || certificate.goods.length === 0 || n < 1) return;
  const goods = certificate.goods.slice(0, n);
  while (goods.length < n) goods.push({ ...structuredClone(goods[goods.length - 1]), item_no: goods.length + 1 });
  certificate.goods = goods;
  changed();
}

async function loadSample() {
  const response = await fetch(new URL("../certificates/non_preferential.json", import.meta.url));
  certificate = await response.json();
  changed();
}

/** The render build when it was built, else the default one. */
async function load() {
  try {
    await origo.init({ render: true });
    return true;
  } catch {
    await origo.init();
    return false;
  }
}

async function main() {
  rendering = await load();
  $("preview-section").hidden = !rendering;
  for (const a of origo.rules().agreements) {
    const label = a.item_limit === null ? a.name_zh : `${a.name_zh}（≤ ${a.item_limit} 项）`;
    $("agreement").append(new Option(`${label} · ${a.code}`, a.code));
  }
  $("load-sample").addEventListener("click", loadSample);
  $("agreement").addEventListener("change", (e) => { certificate.agreement = e.target.value; changed(); });
  $("destination").addEventListener("input", (e) => { certificate.destination = e.target.value.toUpperCase(); changed(); });
  $("goods-count").addEventListener("change", (e) => setGoodsCount(Number(e.target.value)));
  $("goods-plus").addEventListener("click", () => setGoodsCount(certificate.goods.length + 1));
  $("goods-minus").addEventListener("click", () => setGoodsCount(certificate.goods.length - 1));
  editor.addEventListener("input", () => {
    try {
      certificate = JSON.parse(editor.value);
    } catch (e) {
      show(`JSON 语法错误 / JSON syntax error: ${e.message}`, false);
      findingsList.replaceChildren();
      return;
    }
    changed({ fromEditor: true });
  });
  await loadSample();
  document.body.dataset.ready = "true";
}

main().catch((e) => show(`origo 无法启动 / cannot start: ${e.message}`, false));

// origo for JavaScript (browsers and Node): plain objects of the JSON contract in, objects out.
//
// Every function sends one operation of the core's JSON layer, with the same names and request
// shapes as Python and the CLI (each operation's JS name is its name in camelCase). Unreadable
// input throws `OrigoError` (code, path, message);
// rule violations are findings in the answer.
//
// A panic inside the module cannot unwind on wasm32, so it leaves that instance unsafe to reuse.
// This wrapper therefore keeps a spare instance of the same compiled module: after a panic the
// call throws `OrigoError` with code `internal_error`, the spare takes over at once and a new
// spare is prepared in the background.

/** The builds: wasm-bindgen's glue, and the module when it is not the one beside the glue. */
const WEB = { glue: new URL("./pkg/web/origo_wasm.js", import.meta.url) };
/**
 * The Node build (`opt-level = 3`): larger, and `checkText` about twice as fast; a server loads it
 * once. Its one module lies beside the CommonJS glue of `origo/json`.
 */
const NODE = {
  glue: new URL("./pkg/node-esm/origo_wasm.js", import.meta.url),
  wasm: new URL("./pkg/node/origo_wasm_bg.wasm", import.meta.url),
};
/** The render build (`build.sh --render`): everything above plus `renderSvg`. */
const RENDER = { glue: new URL("./pkg/web-render/origo_wasm.js", import.meta.url) };
const IN_NODE = typeof process === "object" && typeof process.versions?.node === "string";

/** Input origo could not read, or an internal failure (`code === "internal_error"`). */
export class OrigoError extends Error {
  constructor(code, path, messageZh, messageEn) {
    super(`${code}${path ? ` at \`${path}\`` : ""}: ${messageEn}`);
    this.name = "OrigoError";
    this.code = code;
    this.path = path;
    this.messageZh = messageZh;
    this.messageEn = messageEn;
  }
}

let glueUrl = WEB.glue;
let compiled = null;
let generation = 0;
let current = null;
let spare = null;
let pending = null;

/**
 * Loads the module; call (and await) once before anything else. Awaiting it again also waits
 * for a replacement instance after an internal error.
 * `options.wasm`: URL, bytes or compiled module (default: the build's own);
 * `options.glue`: URL of the wasm-bindgen glue (default: ./pkg/node-esm/origo_wasm.js in Node,
 *   ./pkg/web/origo_wasm.js elsewhere);
 * `options.render`: load the render build (./pkg/web-render/) so `renderSvg` works.
 */
export async function init(options = {}) {
  if (current) return;
  if (pending) return pending;
  pending = (async () => {
    if (!compiled) {
      let build = IN_NODE ? NODE : WEB;
      if (options.render) build = RENDER;
      if (options.glue) build = { glue: new URL(options.glue, import.meta.url) };
      glueUrl = build.glue;
      compiled = await compile(options.wasm ?? build.wasm ?? new URL("origo_wasm_bg.wasm", glueUrl));
    }
    current = await instantiate();
    spare = await instantiate();
  })();
  try {
    await pending;
  } finally {
    pending = null;
  }
}

async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === "string" || source instanceof URL) {
    const url = new URL(source, import.meta.url);
    if (url.protocol === "file:") {
      const { readFile } = await import("node:fs/promises");
      return WebAssembly.compile(await readFile(url));
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compile(source);
}

// Each instance needs its own copy of the glue (it holds the instance in module state); a
// distinct query string makes the module loader evaluate the glue afresh.
async function instantiate() {
  generation += 1;
  const glue = await import(generation === 1 ? glueUrl.href : `${glueUrl.href}?instance=${generation}`);
  // Asynchronous: browsers refuse to instantiate a module over 8 MB (the render build)
  // synchronously on the main thread.
  await glue.default({ module_or_path: compiled });
  return glue;
}

function replaceInstance() {
  current = spare;
  spare = null;
  pending = instantiate()
    .then((glue) => {
      if (current) spare = glue;
      else current = glue;
    })
    .finally(() => {
      pending = null;
    });
  pending.catch(() => {});
}

function internal(zh, en) {
  return new OrigoError("internal_error", "", zh, en);
}

function encode(request) {
  let text;
  try {
    text = JSON.stringify(request ?? {});
  } catch (e) {
    const code = /circular|cyclic/i.test(String(e.message)) ? "invalid_value" : "invalid_type";
    throw new OrigoError(code, "", `无法转换为 JSON：${e.message}`, `cannot convert to JSON: ${e.message}`);
  }
  if (text === undefined) {
    throw new OrigoError("invalid_type", "", "请求不是 JSON 值", "the request is not a JSON value");
  }
  return text;
}

function instance() {
  if (current) return current;
  throw pending
    ? internal("origo 正在重新启动，请稍后再试", "origo is restarting; await init() and retry")
    : internal("origo 尚未初始化：请先调用 init()", "origo is not initialised: await init() first");
}

function raw(op, text) {
  return guarded((glue) => glue.call(String(op), text));
}

/** Runs `run` on the current instance; anything it throws except an `OrigoError` is a panic. */
function guarded(run) {
  const glue = instance();
  try {
    return run(glue);
  } catch (e) {
    if (e instanceof OrigoError) throw e;
    replaceInstance();
    const what = e instanceof Error ? e.message : String(e);
    throw internal(`origo 内部错误，请报告：${what}`, `internal error in origo, please report it: ${what}`);
  }
}

/** Runs any operation of the JSON layer and returns its answer. */
export function call(op, request = {}) {
  const answer = JSON.parse(raw(op, encode(request)));
  if (answer.error) throw failure(answer.error);
  return answer.ok;
}

/** The core's error object (`{code, path, message}`) as an `OrigoError`. */
function failure(e) {
  return new OrigoError(e.code, e.path, e.message.zh, e.message.en);
}

/**
 * The `render` operation: draws the certificate (or, with `invoice: true`, its commercial
 * invoice) and returns the document's bytes; the request is that of the CLI and Python `render`
 * (`{certificate, format?, page?, back?, invoice?, preview?, seal_base64?, ...}`).
 * Needs the render build: `await init({ render: true })`.
 */
export function render(request) {
  const text = encode(request);
  return guarded((glue) => {
    if (typeof glue.render !== "function") {
      throw new OrigoError(
        "unknown_operation",
        "",
        "此构建不含渲染器：请用 init({ render: true }) 载入渲染构建",
        "this build has no renderer: load the render build with init({ render: true })",
      );
    }
    try {
      return glue.render(text);
    } catch (e) {
      // The module throws its errors as JSON text; anything else is a panic.
      if (typeof e === "string") throw failure(JSON.parse(e));
      throw e;
    }
  });
}

/** One page of the certificate as SVG text: `render` with `format: "svg"`. */
export function renderSvg(request) {
  const isObject = request !== null && typeof request === "object" && !Array.isArray(request);
  return new TextDecoder().decode(render(isObject ? { ...request, format: "svg" } : request));
}

/** Every operation name the core of this build accepts. */
export const operations = () => JSON.parse(instance().operations());
/** The built-in rulebook's version. */
export const rulebookVersion = () => rules().version;

export const check = (certificate, { today } = {}) => call("check", { certificate, today });
/**
 * `check` from JSON text to JSON text: `jsonText` is the request (`{"certificate": ..., "today"?: ...}`)
 * and the answer is the report's JSON text, neither parsed nor re-encoded in JavaScript (for hosts
 * that pass text on, such as a queue worker). Unreadable input throws an `OrigoError`.
 */
export function checkText(jsonText) {
  const answer = raw("check", String(jsonText));
  // The core writes `{"ok":<answer>}` or `{"error":{...}}`.
  if (answer.startsWith('{"ok":')) return answer.slice('{"ok":'.length, -1);
  throw failure(JSON.parse(answer).error);
}
export const determineOrigin = (product, agreement, destination, { psrCsv, date } = {}) =>
  call("determine_origin", { product, agreement, destination, psr_csv: psrCsv, date });
export const compareAgreements = (product, destination) => call("compare_agreements", { product, destination });
export const convert = (request) => call("convert", request);
export const isWorkday = (date, { policy } = {}) => call("is_workday", { date, policy });
export const addWorkdays = (date, days, { policy } = {}) => call("add_workdays", { date, days, policy });
export const calendarInfo = () => call("calendar_info", {});
export const systemDates = (certificate, events) => call("system_dates", { certificate, events });
export const retentionWindow = (today) => call("retention_window", { today });
export const applyAction = (request) => call("apply_action", request);
export const transitionTable = () => call("transition_table", {});
export const applyDelegation = (request) => call("apply_delegation", request);
export const applyPersonnel = (request) => call("apply_personnel", request);
export const classifyEnterpriseChange = (request) => call("classify_enterprise_change", request);
export const checkAccount = (request) => call("check_account", request);
export const checkSignatory = (request) => call("check_signatory", request);
export const checkCopy = (request) => call("check_copy", request);
export const checkInvoice = (request) => call("check_invoice", request);
export const validateId = (kind, value) => call("validate_id", { kind, value });
export const importProducts = (goodsCsv, materialsCsv) =>
  call("import_products", { goods_csv: goodsCsv, materials_csv: materialsCsv });
/** Imports a product-specific-rule annex (`{agreement, source, annex_csv | annex_json, ...}`). */
export const importPsr = (request) => call("import_psr", request);
export const schema = (name = "certificate") => call("schema", { name });
export const codes = () => call("codes", {});
export const rules = () => call("rules", {});
export const applyPrereviewAction = (request) => call("apply_prereview_action", request);
export const applyRegistrationAction = (request) => call("apply_registration_action", request);
export const applyReprintAction = (request) => call("apply_reprint_action", request);
export const applyInstitutionAction = (request) => call("apply_institution_action", request);
export const applyVerificationAction = (request) => call("apply_verification_action", request);
export const checkAuthority = (request) => call("check_authority", request);
export const workflowTable = (workflow) => call("workflow_table", { workflow });
/** The bilingual reply letter to a verification request as bytes; needs the render build. */
export const renderReplyLetter = (letter, format = "pdf") =>
  Uint8Array.from(atob(call("render_reply_letter", { letter, format }).data_base64), (c) => c.charCodeAt(0));

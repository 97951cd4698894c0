// Types of origo for JavaScript (hand-written; checked with `tsc --noEmit` in the test command).

/** JSON as the contract carries it: money and dates are strings. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type Severity = "error" | "warning" | "info";

export interface Message {
  zh: string;
  en: string;
}

/** One thing a check found: stable code, field path, rule source and a bilingual message. */
export interface Finding {
  code: string;
  severity: Severity;
  path: string;
  source: string;
  message: Message;
}

/** Findings of one code and severity said once, with every field path they concern. */
export interface FindingGroup {
  code: string;
  severity: Severity;
  count: number;
  /** Their message when all say the same, else the code's title. */
  message: Message;
  source: string;
  paths: string[];
}

/** The answer of `check`. */
export interface Report {
  /** `true` when no finding has severity `error`. */
  ok: boolean;
  agreement: string;
  rulebook_version: string;
  findings: Finding[];
  /** The findings for people to scan: one per code and severity, errors first. */
  groups: FindingGroup[];
  derived: { item_count: number; item_limit: number | null; [family: string]: Json };
}

export interface CodeEntry {
  code: string;
  kind: "error" | "finding" | "refusal";
  severity: Severity;
  title_zh: string;
  title_en: string;
  [key: string]: Json;
}

export interface AgreementSummary {
  code: string;
  name_zh: string;
  name_en: string;
  item_limit: number | null;
  [key: string]: Json;
}

export interface RulesSummary {
  version: string;
  agreements: AgreementSummary[];
}

/** Input origo could not read, or an internal failure (`code === "internal_error"`). */
export class OrigoError extends Error {
  readonly code: string;
  readonly path: string;
  readonly messageZh: string;
  readonly messageEn: string;
  constructor(code: string, path: string, messageZh: string, messageEn: string);
}

export interface InitOptions {
  /** The `.wasm`: URL, bytes or a compiled module (default: beside the glue). */
  wasm?: string | URL | BufferSource | WebAssembly.Module;
  /** URL of the wasm-bindgen glue (default: ./pkg/web/origo_wasm.js). */
  glue?: string | URL;
  /** Load the render build (./pkg/web-render/), which adds `renderSvg` (default: false). */
  render?: boolean;
}

/** Loads the module; await once before anything else (and again after an internal error). */
export function init(options?: InitOptions): Promise<void>;

/** Runs any operation of the JSON layer and returns its answer. */
export function call(op: string, request?: object): unknown;
export function operations(): string[];
export function rulebookVersion(): string;

export function check(certificate: object, options?: { today?: string }): Report;
/** `check` from the request's JSON text (`{"certificate": ..., "today"?: ...}`) to the report's JSON text. */
export function checkText(jsonText: string): string;
/** `psrCsv` (`hs_prefix,rule,source` rows) replaces the agreement's product-specific rules for this call. */
export function determineOrigin(
  product: object,
  agreement: string,
  destination?: string,
  options?: { psrCsv?: string },
): JsonObject;
export function compareAgreements(product: object, destination: string): JsonObject;
export function convert(request: object): JsonObject;
export function isWorkday(date: string, options?: { policy?: string }): JsonObject;
export function addWorkdays(date: string, days: number, options?: { policy?: string }): JsonObject;
export function calendarInfo(): JsonObject;
export function systemDates(certificate: object, events: object): JsonObject;
export function retentionWindow(today: string): JsonObject;
export function applyAction(request: object): JsonObject;
export function transitionTable(): JsonObject;
export function applyDelegation(request: object): JsonObject;
export function applyPersonnel(request: object): JsonObject;
export function classifyEnterpriseChange(request: object): JsonObject;
export function checkSignatory(request: object): JsonObject;
export function checkCopy(request: object): JsonObject;
export function checkInvoice(request: object): JsonObject;
export function validateId(kind: string, value: string): JsonObject;
export function importProducts(goodsCsv: string, materialsCsv: string): JsonObject;
/** Imports a product-specific-rule annex; `.xlsx` needs a native build (CLI, Python). */
export function importPsr(request: object): JsonObject;
export function schema(name?: string): JsonObject;
export function codes(): CodeEntry[];
export function rules(): RulesSummary;
export function applyPrereviewAction(request: object): JsonObject;
export function applyRegistrationAction(request: object): JsonObject;
export function applyReprintAction(request: object): JsonObject;
export function applyInstitutionAction(request: object): JsonObject;
export function applyVerificationAction(request: object): JsonObject;
export function checkAuthority(request: object): JsonObject;
export function workflowTable(workflow: string): JsonObject;
/** The bilingual reply letter to a verification request; needs the render build. */
export function renderReplyLetter(letter: object, format?: "pdf" | "svg" | "png"): Uint8Array;

/** The request of `renderSvg`: the `render` request without `format`. */
export interface RenderSvgRequest {
  certificate: object;
  /** The page to draw (1-based; default: the first). */
  page?: number;
  /** Only the overleaf (back) page. */
  back?: boolean;
  /** The commercial invoice generated from the certificate instead of the certificate. */
  invoice?: boolean;
  /** Draw the form grid even for a pre-printed form. */
  preview?: boolean;
  /** Serial number of this print. */
  serial?: string;
  /** Where a verifier checks the certificate (the QR code holds this URL + the number). */
  verify_url?: string;
  /** Seal image (PNG, JPEG, GIF or WebP) as base64, placed where electronic sealing is allowed. */
  seal_base64?: string;
  /** Signature image as base64, placed with the seal. */
  signature_base64?: string;
  /** Extra fonts (TTF/OTF) as base64. */
  fonts_base64?: string[];
  /** Print as a certified true copy of this original. */
  duplicate_of?: { number: string; date: string };
  /** Print as the replacement of this certificate number. */
  replaces?: string;
}

/** The request of `render`. */
export interface RenderRequest extends RenderSvgRequest {
  /** `pdf` (default), `svg` or `png`. */
  format?: "pdf" | "svg" | "png";
  /** PNG resolution in dots per inch. */
  dpi?: number;
}

/** The `render` operation: the document's bytes; needs the render build (`init({ render: true })`). */
export function render(request: RenderRequest): Uint8Array;

/** One page of the certificate as SVG text; needs the render build (`init({ render: true })`). */
export function renderSvg(request: RenderSvgRequest): string;

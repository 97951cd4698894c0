// Types of origo for JavaScript: the functions here, the contract's types generated from the
// schemas in contract.d.ts (scripts/gen-types.py); checked with `tsc --noEmit` in the test command.

/** JSON as the contract carries it: money and dates are strings. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export * from "./contract.js";
import type * as C from "./contract.js";

/** One catalogue entry (`codes`). */
export type CodeEntry = C.Entry;
/** The answer of `rules`: the data version, the data changelog and every certificate type. */
export type RulesSummary = C.RulesAnswer;

/** Input origo could not read, or an internal failure (`code === "internal_error"`). */
export class OrigoError extends Error {
  readonly code: string;
  readonly path: string;
  readonly messageZh: string;
  readonly messageEn: string;
  constructor(code: string, path: string, messageZh: string, messageEn: string);
}

export interface InitOptions {
  /** The `.wasm`: URL, bytes or a compiled module (default: the build's own; beside `glue` when that is given). */
  wasm?: string | URL | BufferSource | WebAssembly.Module;
  /** URL of the wasm-bindgen glue (default: ./pkg/node-esm/origo_wasm.js in Node, ./pkg/web/origo_wasm.js elsewhere). */
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

export function check(certificate: C.Certificate, options?: { today?: string }): C.CheckAnswer;
/** `check` from the request's JSON text (`{"certificate": ..., "today"?: ...}`) to the report's JSON text. */
export function checkText(jsonText: string): string;
/**
 * `psrCsv` (`hs_prefix,rule,source` rows) replaces the agreement's product-specific rules for this call;
 * `date` (ISO) is the certificate's date, which picks the table in force (the most recent without it).
 */
export function determineOrigin(
  product: C.Product,
  agreement: string,
  destination?: string,
  options?: { psrCsv?: string; date?: string },
): C.DetermineOriginAnswer;
export function compareAgreements(product: C.Product, destination: string): C.CompareAgreementsAnswer;
export function convert(request: C.ConvertRequest): C.ConvertAnswer;
export function isWorkday(date: string, options?: { policy?: string }): C.IsWorkdayAnswer;
export function addWorkdays(date: string, days: number, options?: { policy?: string }): C.AddWorkdaysAnswer;
export function calendarInfo(): C.CalendarInfoAnswer;
export function systemDates(certificate: C.Certificate, events: C.SystemEvents): C.SystemDatesAnswer;
export function retentionWindow(today: string): C.RetentionWindowAnswer;
export function applyAction(request: C.ApplyActionRequest): C.ApplyActionAnswer;
export function transitionTable(): C.TransitionTableAnswer;
export function applyDelegation(request: C.ApplyDelegationRequest): C.ApplyDelegationAnswer;
export function applyPersonnel(request: C.ApplyPersonnelRequest): C.ApplyPersonnelAnswer;
export function classifyEnterpriseChange(request: C.ClassifyEnterpriseChangeRequest): C.ClassifyEnterpriseChangeAnswer;
export function checkAccount(request: C.CheckAccountRequest): C.CheckAccountAnswer;
export function checkSignatory(request: C.CheckSignatoryRequest): C.CheckSignatoryAnswer;
export function checkCopy(request: C.CheckCopyRequest): C.CheckCopyAnswer;
export function checkInvoice(request: C.CheckInvoiceRequest): C.CheckInvoiceAnswer;
export function validateId(kind: C.IdKind, value: string): C.ValidateIdAnswer;
export function importProducts(goodsCsv: string, materialsCsv: string): C.ImportProductsAnswer;
/** Imports a product-specific-rule annex; `.xlsx` needs a native build (CLI, Python). */
export function importPsr(request: C.ImportPsrRequest): C.ImportPsrAnswer;
export function schema(name?: string): JsonObject;
export function codes(): C.CodesAnswer;
export function rules(): C.RulesAnswer;
export function applyPrereviewAction(request: C.ApplyPrereviewActionRequest): C.ApplyPrereviewActionAnswer;
export function applyRegistrationAction(request: C.ApplyRegistrationActionRequest): C.ApplyRegistrationActionAnswer;
export function applyReprintAction(request: C.ApplyReprintActionRequest): C.ApplyReprintActionAnswer;
export function applyInstitutionAction(request: C.ApplyInstitutionActionRequest): C.ApplyInstitutionActionAnswer;
export function applyVerificationAction(request: C.ApplyVerificationActionRequest): C.ApplyVerificationActionAnswer;
export function checkAuthority(request: C.CheckAuthorityRequest): C.CheckAuthorityAnswer;
export function workflowTable(workflow: string): C.WorkflowTableAnswer;
/** The bilingual reply letter to a verification request; needs the render build. */
export function renderReplyLetter(letter: C.ReplyLetter, format?: "pdf" | "svg" | "png"): Uint8Array;

/** The request of `renderSvg`: the `render` request without `format`. */
export interface RenderSvgRequest {
  certificate: C.Certificate;
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

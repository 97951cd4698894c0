// Compiled with `tsc --noEmit` only: proves index.d.ts describes a usable API.
import {
  check,
  codes,
  determineOrigin,
  init,
  OrigoError,
  renderSvg,
  rules,
  schema,
  type Certificate,
  type CheckAnswer,
  type DataChange,
  type Finding,
  type Product,
  type RenderSvgRequest,
} from "../index.js";

export async function firstErrors(certificate: Certificate): Promise<Finding[]> {
  await init();
  try {
    const report: CheckAnswer = check(certificate, { today: "2026-03-05" });
    const limit: number | null = report.derived.item_limit;
    void limit;
    return report.findings.filter((f) => f.severity === "error");
  } catch (e) {
    if (e instanceof OrigoError) {
      const where: string = `${e.code} @ ${e.path}: ${e.messageZh} / ${e.messageEn}`;
      return [{ code: e.code, severity: "error", path: e.path, source: "", message: { zh: where, en: where } }];
    }
    throw e;
  }
}

export const agreementsWithLimits = (): string[] =>
  rules().agreements.filter((a) => a.item_limit !== null).map((a) => `${a.code}: ${a.item_limit}`);
export const catalogue = (): string[] => codes().map((c) => `${c.code} ${c.title_zh}`);
export const title = (): unknown => schema("report")["title"];

export async function preview(certificate: Certificate): Promise<string> {
  await init({ render: true });
  const request: RenderSvgRequest = { certificate, page: 1, preview: true };
  return renderSvg(request);
}

export const withHostRules = (product: Product, psrCsv: string): boolean =>
  determineOrigin(product, "asean", undefined, { psrCsv }).originating;
export const dataChanges = (): string[] =>
  rules().changelog.map((c: DataChange) => `${c.version} ${c.rule}: ${c.change} (${c.source})`);

// The shared test-vector judge, the same semantics as the Rust harness (tests/lib.rs).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const VECTORS = process.env.ORIGO_VECTORS ?? join(REPO, "tests", "vectors");

export function vectorFiles(dir = VECTORS) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return vectorFiles(p);
      return name.endsWith(".json") ? [p] : [];
    });
}

export function cases() {
  return vectorFiles().flatMap((file) =>
    JSON.parse(readFileSync(file, "utf8")).cases.map((c) => ({ id: `${relative(VECTORS, file)}::${c.name}`, ...c })),
  );
}

export function pointer(value, ptr) {
  if (ptr === "") return [true, value];
  for (const raw of ptr.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(value) && /^\d+$/.test(key) && Number(key) < value.length) value = value[Number(key)];
    else if (value && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, key)) value = value[key];
    else return [false, undefined];
  }
  return [true, value];
}

/** `null` when the outcome meets `expect`, else what differs. `error` is `{code, path}` or null. */
export function judge(expect, answer, error) {
  if (expect.error) {
    if (!error) return `expected error ${JSON.stringify(expect.error)}, got answer ${JSON.stringify(answer)}`;
    if (expect.error.code !== error.code) return `expected error ${JSON.stringify(expect.error)}, got ${error.code} at \`${error.path}\``;
    if ("path" in expect.error && expect.error.path !== error.path) {
      return `expected error path \`${expect.error.path}\`, got \`${error.path}\``;
    }
    return null;
  }
  if (error) return `unexpected error ${error.code} at \`${error.path}\`: ${error.messageEn}`;
  const findings = Array.isArray(answer?.findings) ? answer.findings : [];
  const summary = findings.map((f) => `${f.code}@${f.path}`).join(", ");
  for (const want of expect.findings ?? []) {
    const hit = findings.some((f) =>
      ["code", "path", "severity"].every((k) => !(k in want) || isDeepStrictEqual(f[k], want[k])),
    );
    if (!hit) return `missing finding ${JSON.stringify(want)}; found: [${summary}]`;
  }
  for (const code of expect.absent ?? []) {
    if (findings.some((f) => f.code === code)) return `finding ${code} must be absent; found: [${summary}]`;
  }
  for (const [ptr, want] of Object.entries(expect.values ?? {})) {
    const [found, got] = pointer(answer, ptr);
    if (!found || !isDeepStrictEqual(got, want)) {
      return `at ${ptr}: expected ${JSON.stringify(want)}, got ${found ? JSON.stringify(got) : "nothing"}`;
    }
  }
  return null;
}

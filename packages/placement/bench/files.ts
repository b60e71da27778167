// The benchmark, unlike the engine, reads the vendored CSVs and writes its results.
// biome-ignore lint/style/noRestrictedImports: bench-only file access; src/ stays free of I/O.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** The repository root, from packages/placement/bench. */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

export function readRepoText(path: string): string {
  return readFileSync(resolve(REPO_ROOT, path), "utf8");
}

export function writeRepoJson(path: string, value: unknown): void {
  const target = resolve(REPO_ROOT, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(value, null, 2)}\n`);
}

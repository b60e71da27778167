import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Prepares the demo database once (migrated, seeded, its approvals played through the real
 * services); every spec file's server then starts on its own copy (see fixtures.ts).
 */
export default function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-e2e-template-"));
  const script = resolve(import.meta.dirname, "../../../scripts/e2e-server.mjs");
  const result = spawnSync(process.execPath, [script, "prepare", dir], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`preparing the e2e database failed (exit ${result.status})`);
  process.env.SWITCHYARD_E2E_TEMPLATE = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}

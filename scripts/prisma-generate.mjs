#!/usr/bin/env node
// `prisma generate` without the schema-engine download: the CLI only checks that the
// engine file exists (it never runs it for generate), so point it at this script.
//
// The client is generated only when schema.prisma, prisma.config.ts or the prisma version
// changed since the last generation (a stamp in the generated folder), so `npm start` does not
// rewrite it, nor invalidate the console build, every time. `--force` generates anyway.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(resolve(root, "packages/db/package.json"));
const cli = require.resolve("prisma/build/index.js");
const outDir = resolve(root, "packages/db/src/generated/prisma");
const stampFile = resolve(outDir, ".schema-stamp");

const stamp = createHash("sha256");
for (const file of ["prisma/schema.prisma", "prisma.config.ts"]) {
  const path = resolve(root, file);
  if (existsSync(path)) stamp.update(file).update(readFileSync(path));
}
stamp.update(readFileSync(require.resolve("prisma/package.json")));
const fingerprint = stamp.digest("hex");
if (
  !process.argv.includes("--force") &&
  existsSync(resolve(outDir, "client.ts")) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, "utf8") === fingerprint
) {
  console.log("Prisma client is up to date");
  process.exit(0);
}
const result = spawnSync(process.execPath, [cli, "generate", "--no-hints"], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
if (result.status !== 0) {
  process.stderr.write(result.stdout);
  process.stderr.write(result.stderr);
  console.error("prisma generate failed");
  process.exit(result.status ?? 1);
}
writeFileSync(stampFile, fingerprint);
console.log("Prisma client generated in packages/db/src/generated/prisma");

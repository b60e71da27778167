#!/usr/bin/env node
// The production image's file layout, built without Docker: the Dockerfile's build stage runs
// `node scripts/image.mjs build --out /out` and its runtime stage copies /out to /app;
// `npm run check:image` runs the same build into dist/image and starts it.
//
//   <out>/entrypoint.mjs          migrate and set up (bin/setup.mjs), then serve (apps/web/server.js)
//   <out>/console-workers.mjs     SWITCHYARD_WORKERS processes serving one port (the entrypoint runs it)
//   <out>/bin/setup.mjs           packages/api/src/auth/cli.ts bundled by esbuild (no tsx, no build)
//   <out>/apps/web/server.js      Next.js's standalone server, with .next/static beside it
//   <out>/node_modules/           only the packages the server and set-up load (traced by Next.js)
//   <out>/prisma/                 schema.prisma and the migrations the set-up applies
//   <out>/packages/db/data/       the demo seed's price catalog
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildConsole, bundleSetup, fail, generatePrismaClient, log, ROOT, WEB } from "./lib.mjs";

/** Packages the server may `require` only in a try, present in node_modules for dev tools alone. */
const OPTIONAL_PEERS_OF_DEV_TOOLS = ["supports-color"];

/**
 * Lays the built console out as the runtime stage's /app. Needs a finished `next build`.
 * Returns the set-up bundle's esbuild result (its metafile lists what was bundled).
 */
export function assembleImage(out) {
  const standalone = join(WEB, ".next/standalone");
  if (!existsSync(join(standalone, "apps/web/server.js")))
    fail(`${standalone} has no server.js: the console build did not produce its standalone output`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(standalone, out, { recursive: true, verbatimSymlinks: true });
  // Next.js traces `require`s inside try blocks too, so an optional peer that a dev tool
  // happens to hoist comes along: debug (under the Kubernetes client) tries supports-color,
  // which is installed only for the CLI's openapi-typescript. debug runs without it.
  for (const name of OPTIONAL_PEERS_OF_DEV_TOOLS)
    rmSync(join(out, "node_modules", name), { recursive: true, force: true });
  cpSync(join(WEB, ".next/static"), join(out, "apps/web/.next/static"), { recursive: true });
  if (existsSync(join(WEB, "public")))
    cpSync(join(WEB, "public"), join(out, "apps/web/public"), { recursive: true });
  cpSync(join(ROOT, "prisma/schema.prisma"), join(out, "prisma/schema.prisma"));
  cpSync(join(ROOT, "prisma/migrations"), join(out, "prisma/migrations"), { recursive: true });
  cpSync(
    join(ROOT, "packages/db/data/cloud-gpu-prices.csv"),
    join(out, "packages/db/data/cloud-gpu-prices.csv"),
  );
  // The seed finds the price catalog next to its source: packages/db/src/seed/ in the image.
  const bundle = bundleSetup(join(out, "bin/setup.mjs"), join(out, "packages/db/src/seed/index.ts"));
  cpSync(join(ROOT, "scripts/image-entrypoint.mjs"), join(out, "entrypoint.mjs"));
  cpSync(join(ROOT, "scripts/console-workers.mjs"), join(out, "console-workers.mjs"));
  // The image's own package.json: ES modules, nothing to install.
  writeFileSync(
    join(out, "package.json"),
    `${JSON.stringify({ name: "switchyard-image", private: true, type: "module" }, null, 2)}\n`,
  );
  return bundle;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string" }, force: { type: "boolean" } },
  });
  if (positionals[0] !== "build") fail("usage: node scripts/image.mjs build [--out <dir>] [--force]");
  const out = resolve(values.out ?? join(ROOT, "dist/image"));
  const started = Date.now();
  generatePrismaClient();
  buildConsole({ force: values.force ?? false });
  assembleImage(out);
  log(`image layout in ${out} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

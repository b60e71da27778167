#!/usr/bin/env node
// The `switchyard` command: runs the bundle (dist/switchyard.mjs, built by
// `npm run build -w @switchyard/cli` and shipped by `npm pack`). In a checkout that has not
// built it yet, runs the TypeScript sources through tsx instead.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/switchyard.mjs", import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const source = new URL("../src/index.ts", import.meta.url);
  let tsImport;
  try {
    ({ tsImport } = await import("tsx/esm/api"));
  } catch {
    console.error("switchyard: not built: run `npm run build -w @switchyard/cli` in the repository");
    process.exit(1);
  }
  await tsImport(source.href, import.meta.url);
}

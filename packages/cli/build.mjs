// Bundles the CLI into dist/switchyard.mjs: one file with every dependency inside (commander,
// yaml, cli-table3, openapi-fetch, zod and the API's job schema), so `npm pack` gives a
// package that installs and runs on its own, with no workspace or registry dependencies.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

await build({
  entryPoints: [join(root, "src/index.ts")],
  outfile: join(root, "dist/switchyard.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { __CLI_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (cli-table3) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
console.log(`built dist/switchyard.mjs (switchyard ${version})`);

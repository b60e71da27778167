// Bundles the agent into dist/switchyard-agent.mjs: one file with its dependency
// (fast-xml-parser) inside, runnable with plain Node 20: `node dist/switchyard-agent.mjs`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

await build({
  entryPoints: [join(root, "src/index.ts")],
  outfile: join(root, "dist/switchyard-agent.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "none",
  define: { __AGENT_VERSION__: JSON.stringify(version) },
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
console.log(`built dist/switchyard-agent.mjs (switchyard-agent ${version})`);

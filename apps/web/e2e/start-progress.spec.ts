import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";

/**
 * Issue 15: `npm start` builds for minutes on a first start; it says it is still at work
 * instead of going silent. The build runs through runWithProgress (scripts/lib.mjs), checked
 * here on a command that takes two seconds, with a line every 400 ms.
 */
const LIB = resolve(import.meta.dirname, "../../../scripts/lib.mjs");

test("a long step prints a progress line with the seconds spent, and stops when the step ends", () => {
  const script = `import(${JSON.stringify(LIB)}).then((m) => {
    m.runWithProgress("building the console", process.execPath, ["-e", "setTimeout(() => {}, 2000)"]);
    console.log("done");
    setTimeout(() => console.log("after"), 1000);
  })`;
  const result = spawnSync(process.execPath, ["-e", script], {
    env: { ...process.env, SWITCHYARD_PROGRESS_MS: "400" },
    encoding: "utf8",
    timeout: 20_000,
  });
  expect(result.status).toBe(0);
  const lines = result.stdout.trim().split("\n");
  const progress = lines.filter((line) => /^switchyard: building the console… \d+ s$/.test(line));
  expect(progress.length).toBeGreaterThanOrEqual(3);
  expect(progress.at(-1)).toMatch(/… [12] s$/);
  // Nothing more once the step has ended.
  expect(lines.slice(lines.indexOf("done"))).toEqual(["done", "after"]);
});

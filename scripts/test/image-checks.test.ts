// check:image's static checks pass on the repository's Dockerfile, compose file and
// .dockerignore, and each fails on a file broken the way it is meant to catch.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain Node helpers without type declarations
import { staticImageChecks } from "../image-checks.mjs";

const ROOT = join(import.meta.dirname, "../..");
type TResult = { ok: boolean; message: string };

/** The checks with some files replaced: `edits` maps a path to a function of its text. */
async function checks(edits: Record<string, (text: string) => string> = {}): Promise<TResult[]> {
  return staticImageChecks(ROOT, (path: string) => {
    const text = readFileSync(join(ROOT, path), "utf8");
    return edits[path] ? edits[path](text) : text;
  });
}

const failures = (results: TResult[]) => results.filter((r) => !r.ok).map((r) => r.message);

function replaced(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`the test's edit did not apply: ${from}`);
  return out;
}

describe("check:image's static checks", () => {
  it("pass on the repository's files", async () => {
    const results = await checks();
    expect(failures(results)).toEqual([]);
    expect(results.length).toBeGreaterThan(30);
  });

  it.each([
    ["a root user", (t: string) => replaced(t, "USER 1000:1000", "USER root"), /non-root user \(root\)/],
    [
      "no heap settings",
      (t: string) => replaced(t, /\n {4}NODE_OPTIONS=.*\\/, ""),
      /NODE_OPTIONS holds the console's heap settings/,
    ],
    ["no start period", (t: string) => replaced(t, "--start-period=90s ", ""), /HEALTHCHECK .* \(none\)/],
    [
      "a workspace missing before npm ci",
      (t: string) => replaced(t, /COPY packages\/api\/package.json .*\n/, ""),
      /copies packages\/api\/package.json/,
    ],
    [
      "an install in the runtime",
      (t: string) => replaced(t, "USER 1000:1000", "RUN npm install\nUSER 1000:1000"),
      /installs and builds nothing/,
    ],
    [
      "an unknown instruction",
      (t: string) => replaced(t, "EXPOSE 3000", "EXPOSE 3000\nRUNN x"),
      /Unknown instruction/,
    ],
    [
      "another build command",
      (t: string) => replaced(t, "RUN node scripts/image.mjs build --out /out", "RUN npm run build"),
      /build stage runs exactly/,
    ],
  ])("fail on a Dockerfile with %s", async (_name, edit, message) => {
    expect(failures(await checks({ Dockerfile: edit })).join("\n")).toMatch(message);
  });

  it("fail on a compose file that drops a README variable or breaks the schema", async () => {
    const missing = await checks({ "docker-compose.yml": (t) => replaced(t, /\n\s+OIDC_NAME:/, "") });
    expect(failures(missing)).toEqual([expect.stringMatching(/missing: OIDC_NAME/)]);
    const invalid = await checks({
      "docker-compose.yml": (t) =>
        replaced(t, "read_only: true", "read_only: true\n    restart_policy: always"),
    });
    expect(failures(invalid).join("\n")).toMatch(
      /compose.yml \/services\/console: must NOT have additional properties/,
    );
  });

  it("fail on a .dockerignore that lets node_modules in", async () => {
    const results = await checks({ ".dockerignore": (t) => replaced(t, /^node_modules\n/m, "") });
    expect(failures(results)).toEqual([".dockerignore keeps node_modules out"]);
  });
});

// The production image's static checks (check:image step 1): the Dockerfile linted by
// dockerfile-utils and read with dockerfile-ast, docker-compose.yml validated against the
// compose-spec schema and the README's Configuration table, .dockerignore. Pure: files come
// through `read(path)` so a test can hand in broken ones (scripts/test/image-checks.test.ts).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CONSOLE_HEAP_FLAGS } from "./lib.mjs";

export const BUILD_COMMAND = "node scripts/image.mjs build --out /out";

/**
 * Returns every check as { ok, message }. `read(path)` gives a file of the repository at
 * `root` (workspace folders are listed from `root`).
 */
export async function staticImageChecks(root, read) {
  const results = [];
  const passed = (message) => results.push({ ok: true, message });
  const problem = (message) => results.push({ ok: false, message });
  const expect = (condition, message) => results.push({ ok: Boolean(condition), message });
  const { validate } = await import("dockerfile-utils");
  const { DockerfileParser } = await import("dockerfile-ast");
  const dockerfileText = read("Dockerfile");
  const diagnostics = validate(dockerfileText);
  for (const d of diagnostics) problem(`Dockerfile line ${d.range.start.line + 1}: ${d.message}`);
  if (diagnostics.length === 0) passed("Dockerfile: no lint findings (dockerfile-utils)");

  const dockerfile = DockerfileParser.parse(dockerfileText);
  /** Instructions per stage, by the stage's name. */
  const stages = new Map();
  let current = null;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      current = { from: instruction, instructions: [] };
      stages.set(instruction.getBuildStage() ?? `#${stages.size}`, current);
    } else current?.instructions.push(instruction);
  }
  const stageNames = [...stages.keys()];
  expect(
    stageNames.join(",") === "deps,build,runtime",
    `Dockerfile stages are deps, build, runtime (got ${stageNames.join(", ")})`,
  );
  const of = (stage, keyword) =>
    (stages.get(stage)?.instructions ?? []).filter((i) => i.getKeyword() === keyword);
  const args = (instruction) => instruction.getArgumentsContent()?.replace(/\s+/g, " ").trim() ?? "";
  const flag = (instruction, name) =>
    instruction
      .getFlags()
      .find((f) => f.getName() === name)
      ?.getValue();

  const runtimeFrom = stages.get("runtime")?.from;
  const runtimeImage = `${runtimeFrom?.getImageName()}:${runtimeFrom?.getImageTag()}`;
  expect(
    /^node:(2[2-9]|[3-9]\d)[\w.-]*-slim$/.test(runtimeImage),
    `runtime stage is a slim Node 22+ image (${runtimeImage})`,
  );
  expect(stages.get("build")?.from.getImageName() === "deps", "build stage starts from deps");

  const workspaces = JSON.parse(read("package.json")).workspaces.flatMap((pattern) => {
    const base = pattern.replace(/\/\*$/, "");
    return readdirSync(join(root, base))
      .map((name) => `${base}/${name}/package.json`)
      .filter((path) => existsSync(join(root, path)));
  });
  const depsCopies = of("deps", "COPY").map(args).join(" ");
  for (const manifest of ["package.json", "package-lock.json", ...workspaces])
    expect(depsCopies.split(" ").includes(manifest), `deps stage copies ${manifest} before npm ci`);
  expect(
    of("deps", "RUN").some((i) => /^npm ci\b/.test(args(i))),
    "deps stage installs with npm ci (the lockfile's versions)",
  );

  const buildRuns = of("build", "RUN").map(args);
  expect(
    buildRuns.length === 1 && buildRuns[0] === BUILD_COMMAND,
    `build stage runs exactly \`${BUILD_COMMAND}\`, the command this check runs (got ${JSON.stringify(buildRuns)})`,
  );

  const runtimeCopies = of("runtime", "COPY");
  expect(
    runtimeCopies.length === 1 &&
      flag(runtimeCopies[0], "from") === "build" &&
      args(runtimeCopies[0]) === "/out/ /app/",
    "runtime stage copies only the build stage's /out to /app",
  );
  expect(
    of("runtime", "RUN").every((i) => !/\b(npm|npx|yarn|pnpm|next)\b/.test(args(i))),
    "runtime stage installs and builds nothing",
  );
  const user = of("runtime", "USER").at(-1);
  expect(
    user !== undefined && !/^(root|0)(:|$)/.test(args(user)),
    `runtime stage runs as a non-root user (${user ? args(user) : "no USER"})`,
  );
  const runtimeEnv = of("runtime", "ENV").map(args).join(" ");
  expect(/\bSWITCHYARD_DATA_DIR=\/data\b/.test(runtimeEnv), "runtime keeps its data in /data");
  const heapFlags = CONSOLE_HEAP_FLAGS.join(" ");
  expect(
    runtimeEnv.includes(`NODE_OPTIONS="${heapFlags}"`),
    `runtime's NODE_OPTIONS holds the console's heap settings (${heapFlags}, scripts/lib.mjs)`,
  );
  expect(
    of("runtime", "VOLUME").some((i) => args(i).includes("/data")),
    "/data is a volume",
  );
  const healthcheck = of("runtime", "HEALTHCHECK").at(-1);
  const startPeriod = healthcheck ? flag(healthcheck, "start-period") : undefined;
  expect(
    healthcheck !== undefined &&
      args(healthcheck).includes("/api/health") &&
      /^[1-9]\d*(s|m)$/.test(startPeriod ?? ""),
    `HEALTHCHECK on /api/health with a start period (${startPeriod ?? "none"})`,
  );
  const cmd = of("runtime", "CMD").at(-1);
  expect(
    cmd !== undefined && args(cmd).includes("/app/entrypoint.mjs"),
    "runtime starts /app/entrypoint.mjs",
  );

  const { parse: parseYaml } = await import("yaml");
  const { default: Ajv } = await import("ajv");
  const compose = parseYaml(read("docker-compose.yml"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema names draft-07's meta-schema by its https address; ajv ships it under the http one.
  const draft07 = ajv.getSchema("http://json-schema.org/draft-07/schema")?.schema;
  ajv.addMetaSchema({ ...draft07, $id: "https://json-schema.org/draft-07/schema" });
  const validateCompose = ajv.compile(JSON.parse(read("tooling/image/compose-spec.json")));
  if (validateCompose(compose)) passed("docker-compose.yml is valid against the compose-spec schema");
  else
    for (const e of validateCompose.errors ?? [])
      problem(`docker-compose.yml ${e.instancePath || "/"}: ${e.message}`);
  const consoleService = compose?.services?.console ?? {};
  expect(consoleService.build?.target === "runtime", "compose builds the runtime stage");
  expect(consoleService.read_only === true, "compose runs the console with a read-only root file system");
  expect((consoleService.tmpfs ?? []).includes("/tmp"), "compose gives the console a tmpfs /tmp");
  expect(
    (consoleService.volumes ?? []).some((v) => String(v).endsWith(":/data")),
    "compose mounts a volume on /data",
  );
  // The README's Configuration table, less the variables of `npm test` itself.
  const TEST_ONLY = new Set(["TEST_DATABASE_URL", "SWITCHYARD_SKIP_SLURM", "SWITCHYARD_TEST_PG"]);
  const readme = read("README.md");
  const table = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
  );
  const documented = [
    ...new Set(
      [...table.matchAll(/^\|.*$/gm)].flatMap(([row]) =>
        [...row.matchAll(/`\$?([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]),
      ),
    ),
  ].filter((name) => !TEST_ONLY.has(name));
  const environment = consoleService.environment ?? {};
  const passedThrough = new Set(
    Array.isArray(environment) ? environment.map((e) => String(e).split("=")[0]) : Object.keys(environment),
  );
  const missing = documented.filter((name) => !passedThrough.has(name));
  expect(
    documented.length > 10 && missing.length === 0,
    `compose passes all ${documented.length} README variables to the console${missing.length ? ` (missing: ${missing.join(", ")})` : ""}`,
  );

  const ignored = read(".dockerignore")
    .split("\n")
    .map((line) => line.trim());
  for (const entry of [
    "node_modules",
    "**/node_modules",
    "**/.next",
    ".data",
    "dist",
    ".env",
    ".git",
    "**/generated",
  ])
    expect(ignored.includes(entry), `.dockerignore keeps ${entry} out`);

  return results;
}

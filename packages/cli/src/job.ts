import { readFileSync } from "node:fs";
import { ZWorkloadSpec } from "@switchyard/api/workload-spec";
import { parseDocument } from "yaml";
import { CliError, EXIT } from "./exit-codes.ts";

const KNOWN_FIELDS = new Set(Object.keys(ZWorkloadSpec.shape));

/** The path of a zod issue as the API names fields (spec.gpu.count): dotted, indexes included. */
const dotted = (path: readonly PropertyKey[]) => path.map(String).join(".") || "(the job)";

/**
 * A job file's spec, checked against the same zod schema the API validates with, so a bad
 * file is refused before anything is sent, naming each field at fault. The object returned
 * is the file's own (the server applies the defaults), not zod's output.
 */
export function parseJob(text: string, source = "job file"): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const where = first?.linePos?.[0]
      ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})`
      : "";
    throw new CliError(`${source} is not valid YAML${where}: ${first?.message.split("\n")[0]}`, EXIT.USAGE);
  }
  const value: unknown = document.toJS();
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new CliError(`${source} must be a mapping of spec fields (name, kind, teamId, gpu, …)`, EXIT.USAGE);
  const spec = value as Record<string, unknown>;
  const fieldErrors: Record<string, string[]> = {};
  for (const key of Object.keys(spec)) {
    if (!KNOWN_FIELDS.has(key)) fieldErrors[key] = [`Unknown field (see switchyard job-schema)`];
  }
  const parsed = ZWorkloadSpec.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = dotted(issue.path);
      fieldErrors[name] = [...(fieldErrors[name] ?? []), issue.message];
    }
  }
  const names = Object.keys(fieldErrors);
  if (names.length > 0)
    throw new CliError(`${source} is not a valid job: check ${names.join(", ")}`, EXIT.USAGE, fieldErrors);
  return spec;
}

export function readJob(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(
      `-f: cannot read ${file}${code === "ENOENT" ? ": no such file" : code ? ` (${code})` : ""}`,
      EXIT.USAGE,
    );
  }
  return parseJob(text, file === "-" ? "stdin" : file);
}

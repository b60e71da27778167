import { readFileSync } from "node:fs";
import { ZWorkloadSpec } from "@switchyard/api/workload-spec";
import { parseAllDocuments, parseDocument } from "yaml";
import { CliError, EXIT } from "./exit-codes.ts";

type TDef = {
  type: string;
  shape?: Record<string, { _zod: { def: TDef } }>;
  options?: { _zod: { def: TDef } }[];
  innerType?: { _zod: { def: TDef } };
  element?: { _zod: { def: TDef } };
  in?: { _zod: { def: TDef } };
};

/** The object shapes a value may take under a zod schema (several for a union), wrappers removed. */
function objectShapes(def: TDef): TDef[] {
  if (def.type === "object") return [def];
  if (def.type === "union") return (def.options ?? []).flatMap((o) => objectShapes(o._zod.def));
  const inner = def.innerType ?? def.in;
  return inner ? objectShapes(inner._zod.def) : [];
}

/**
 * Fields the schema does not know, at any depth (zod drops them silently, e.g. a typo inside
 * \`gpu\`): a misspelt field must not quietly change what is asked for.
 */
function unknownFields(def: TDef, value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value)) {
    const element = def.type === "array" ? def.element : (def.innerType ?? def.in);
    if (def.type === "array" && element)
      return value.flatMap((item, i) => unknownFields(element._zod.def, item, [...path, String(i)]));
    return element ? unknownFields(element._zod.def, value, path) : [];
  }
  if (value === null || typeof value !== "object") return [];
  const shapes = objectShapes(def);
  if (shapes.length === 0) return [];
  const known = new Map<string, TDef>();
  for (const shape of shapes)
    for (const [key, child] of Object.entries(shape.shape ?? {})) known.set(key, child._zod.def);
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const childDef = known.get(key);
    return childDef ? unknownFields(childDef, child, [...path, key]) : [[...path, key].join(".")];
  });
}

/** The path of a zod issue as the API names fields (spec.gpu.count): dotted, indexes included. */
const dotted = (path: readonly PropertyKey[]) => path.map(String).join(".") || "(the job)";

/** A YAML document's parse errors, as the error the user gets (line and column of the first). */
function yamlError(
  errors: readonly { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }[],
  source: string,
) {
  const first = errors[0];
  const where = first?.linePos?.[0] ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : "";
  return new CliError(`${source} is not valid YAML${where}: ${first?.message.split("\n")[0]}`, EXIT.USAGE);
}

/**
 * One job's spec, checked against the same zod schema the API validates with, so a bad job
 * is refused before anything is sent, naming each field at fault (after `prefix`, e.g. "2."
 * for a batch's third job). The object returned is the file's own (the server applies the
 * defaults), not zod's output.
 */
function checkedSpec(value: unknown, source: string, prefix = ""): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new CliError(`${source} must be a mapping of spec fields (name, kind, teamId, gpu, …)`, EXIT.USAGE);
  const spec = value as Record<string, unknown>;
  const fieldErrors: Record<string, string[]> = {};
  for (const name of unknownFields(ZWorkloadSpec._zod.def as unknown as TDef, spec))
    fieldErrors[`${prefix}${name}`] = ["Unknown field (see switchyard job-schema)"];
  const parsed = ZWorkloadSpec.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = `${prefix}${dotted(issue.path)}`;
      fieldErrors[name] = [...(fieldErrors[name] ?? []), issue.message];
    }
  }
  const names = Object.keys(fieldErrors);
  if (names.length > 0)
    throw new CliError(`${source} is not a valid job: check ${names.join(", ")}`, EXIT.USAGE, fieldErrors);
  return spec;
}

/** A job file's spec (one YAML or JSON document), checked as checkedSpec does. */
export function parseJob(text: string, source = "job file"): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) throw yamlError(document.errors, source);
  return checkedSpec(document.toJS(), source);
}

/**
 * A batch file's specs: YAML documents separated by `---`, or a JSON (or YAML) list of specs.
 * Every job is checked before anything is sent; a field is named by the job's index in the
 * batch, as the API names it (2.spec.gpu.count is the third job's).
 */
export function parseJobs(text: string, source = "batch file"): Record<string, unknown>[] {
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(documents)) throw new CliError(`${source} is not valid YAML`, EXIT.USAGE);
  for (const document of documents) if (document.errors.length > 0) throw yamlError(document.errors, source);
  const values = documents.map((d) => d.toJS() as unknown).filter((v) => v !== null);
  const jobs = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  if (jobs.length === 0) throw new CliError(`${source} has no jobs`, EXIT.USAGE);
  return jobs.map((job, i) => checkedSpec(job, `${source} (job ${i + 1})`, `${i}.spec.`));
}

function readText(file: string): string {
  try {
    return file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(
      `-f: cannot read ${file}${code === "ENOENT" ? ": no such file" : code ? ` (${code})` : ""}`,
      EXIT.USAGE,
    );
  }
}

export function readJob(file: string): Record<string, unknown> {
  return parseJob(readText(file), file === "-" ? "stdin" : file);
}

export function readJobs(file: string): Record<string, unknown>[] {
  return parseJobs(readText(file), file === "-" ? "stdin" : file);
}

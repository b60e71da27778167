import { readFileSync } from "node:fs";
import { ZWorkloadSpec } from "@switchyard/api/workload-spec";
import { parseDocument } from "yaml";
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
  for (const name of unknownFields(ZWorkloadSpec._zod.def as unknown as TDef, spec))
    fieldErrors[name] = ["Unknown field (see switchyard job-schema)"];
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

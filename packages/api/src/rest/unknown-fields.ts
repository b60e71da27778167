import type { z } from "zod";

type TDef = {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
};

const defOf = (schema: z.ZodType): TDef => (schema as unknown as { _zod: { def: TDef } })._zod.def;

/** Unwraps optional, nullable, default, pipe and the like down to the schema that holds a shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
  return current;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Paths of fields the schema does not know, in objects that would otherwise drop them
 * silently (zod's default strips unknown keys): a REST client that misspells a field hears
 * about it instead of having it ignored. Loose objects (catchall) accept anything.
 */
export function unknownFields(schema: z.ZodType, value: unknown, path: string[] = []): string[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === "object" && def.shape && isPlainObject(value)) {
    // A loose object's catchall accepts anything; a strict one's (never) accepts nothing.
    const isLoose = def.catchall !== undefined && defOf(def.catchall).type !== "never";
    const unknown = isLoose
      ? []
      : Object.keys(value)
          .filter((key) => !(key in (def.shape ?? {})))
          .map((key) => [...path, key].join("."));
    const nested = Object.entries(def.shape).flatMap(([key, field]) =>
      key in value ? unknownFields(field, value[key], [...path, key]) : [],
    );
    return [...unknown, ...nested];
  }
  if (def.type === "union" && def.options && def.options.length > 0) {
    // The value is meant for one option: the first it parses as decides which fields are
    // unknown ({ count, typo } is a one-node request with a typo). When it parses as none,
    // the option it fits best does, so a misspelt field still comes back by name.
    const options = def.options.map((option) => ({
      parses: option.safeParse(value).success,
      unknown: unknownFields(option, value, path),
    }));
    const chosen =
      options.find((option) => option.parses) ??
      options.reduce((best, option) => (option.unknown.length < best.unknown.length ? option : best));
    return chosen.unknown;
  }
  if (def.type === "intersection" && def.left && def.right) {
    // A field is unknown only when neither side knows it.
    const right = new Set(unknownFields(def.right, value, path));
    return unknownFields(def.left, value, path).filter((field) => right.has(field));
  }
  if (def.type === "array" && def.element && Array.isArray(value)) {
    const element = def.element;
    return value.flatMap((item, index) => unknownFields(element, item, [...path, String(index)]));
  }
  return [];
}

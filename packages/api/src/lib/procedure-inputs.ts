import type { z } from "zod";
import { appRouter } from "../root.ts";

export type TProcedureInput = { path: string; type: "query" | "mutation"; schema: z.ZodType | null };

type TProcedureDef = { _def: { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[] } };

/**
 * Every procedure of the app router with its input schema (the merge of its `.input()`
 * parsers; null when it takes none). The fuzz suite and the schema checks walk these, so a
 * new procedure is covered the day it is added.
 */
export function procedureInputs(): TProcedureInput[] {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, TProcedureDef> }).procedures;
  return Object.entries(procedures)
    .filter(([, p]) => p._def.type !== "subscription")
    .map(([path, p]) => {
      const [first, ...rest] = p._def.inputs;
      let schema: z.ZodType | null = first ?? null;
      for (const next of rest) schema = (schema as z.ZodObject).and(next) as unknown as z.ZodType;
      return { path, type: p._def.type as "query" | "mutation", schema };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

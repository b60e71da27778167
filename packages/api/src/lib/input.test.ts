import { describe, expect, it } from "vitest";
import { z } from "zod";
import { findUnsafeInput, loneSurrogateAt, zDate, zId } from "./input.ts";
import { procedureInputs } from "./procedure-inputs.ts";

describe("findUnsafeInput", () => {
  it("finds NUL, lone surrogates and prototype keys anywhere, with their paths", () => {
    const input = JSON.parse(
      '{"spec":{"name":"a\\u0000b","tags":["ok","x\\ud800"],"__proto__":{"admin":true}}}',
    );
    expect(findUnsafeInput(input)).toEqual([
      { path: ["spec", "name"], message: expect.stringContaining("NUL character") },
      { path: ["spec", "tags", 1], message: expect.stringContaining("broken character at position 2") },
      { path: ["spec"], message: expect.stringContaining('"__proto__" is not a field name') },
    ]);
  });

  it("accepts well-formed text, emoji (surrogate pairs) included", () => {
    expect(findUnsafeInput({ name: "Zürich 🚀 東京", list: [1, true, null, new Date()] })).toEqual([]);
    expect(loneSurrogateAt("🚀")).toBe(-1);
    expect(loneSurrogateAt("\udc00🚀")).toBe(0);
    expect(loneSurrogateAt("🚀\ud83d")).toBe(2);
  });

  it("refuses input nested too deeply, and keys that hold NUL", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(findUnsafeInput(deep)[0]?.message).toMatch(/Nested too deeply/);
    expect(findUnsafeInput({ "k\u0000": 1 })[0]?.path).toEqual(["k\uFFFD"]);
  });
});

describe("builders", () => {
  it("zId caps length and names the field", () => {
    expect(zId("Team id").safeParse("x".repeat(101)).error?.issues[0]?.message).toBe(
      "Team id is at most 100 characters",
    );
    expect(zId("Team id").safeParse("").error?.issues[0]?.message).toBe("Team id is required");
  });

  it("zDate accepts 1970..9999 only", () => {
    const date = zDate("The deadline");
    expect(date.safeParse("2030-01-01").success).toBe(true);
    expect(date.safeParse("-100000-01-01T00:00:00Z").error?.issues[0]?.message).toBe(
      "The deadline must be in 1970 or later",
    );
    expect(date.safeParse(new Date(8.64e15)).error?.issues[0]?.message).toBe(
      "The deadline must be before the year 10000",
    );
    expect(date.safeParse("soon").success).toBe(false);
    expect(date.safeParse(Date.UTC(2030, 0, 1)).data).toEqual(new Date("2030-01-01T00:00:00Z"));
    for (const wrong of [true, null, [], {}])
      expect(date.safeParse(wrong).error?.issues[0]?.message, JSON.stringify(wrong)).toBe(
        "The deadline must be a date",
      );
  });
});

/** An anchored pattern without unbounded repetition also caps a string's length. */
function boundedPattern(pattern: unknown): boolean {
  return (
    typeof pattern === "string" &&
    pattern.startsWith("^") &&
    pattern.endsWith("$") &&
    !/[*+]|\{\d+,\}/.test(pattern)
  );
}

/** Paths of every string without a maximum length, and every date without a range, in a JSON schema. */
function unbounded(schema: unknown, path: string, out: string[]) {
  if (!schema || typeof schema !== "object") return;
  const s = schema as Record<string, unknown>;
  if (
    s.type === "string" &&
    s.maxLength === undefined &&
    s.enum === undefined &&
    s.const === undefined &&
    !boundedPattern(s.pattern)
  )
    out.push(path || "(input)");
  for (const [key, value] of Object.entries(s)) {
    if (key === "properties" && value && typeof value === "object")
      for (const [name, child] of Object.entries(value)) unbounded(child, `${path}.${name}`, out);
    else if (key === "items" || key === "additionalProperties") unbounded(value, `${path}[]`, out);
    else if (Array.isArray(value)) for (const child of value) unbounded(child, path, out);
  }
}

describe("every procedure's input schema", () => {
  const procedures = procedureInputs();

  it("lists the whole router", () => {
    expect(procedures.length).toBeGreaterThan(50);
    expect(procedures.map((p) => p.path)).toContain("workload.submit");
  });

  it.each(procedures.filter((p) => p.schema).map((p) => [p.path, p.schema] as const))(
    "%s caps every string's length",
    (_path, schema) => {
      const json = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" });
      const out: string[] = [];
      unbounded(json, "", out);
      expect(out).toEqual([]);
    },
  );
});

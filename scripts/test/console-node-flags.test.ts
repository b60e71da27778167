// The heap settings a console process starts with, and an operator's NODE_OPTIONS winning over them.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain Node helpers without type declarations
import { CONSOLE_HEAP_FLAGS, consoleNodeFlags } from "../lib.mjs";

describe("consoleNodeFlags", () => {
  it("gives both heap settings when NODE_OPTIONS sets neither", () => {
    expect(consoleNodeFlags("")).toEqual(CONSOLE_HEAP_FLAGS);
    expect(consoleNodeFlags("--enable-source-maps")).toEqual(CONSOLE_HEAP_FLAGS);
    expect(CONSOLE_HEAP_FLAGS).toEqual(["--max-old-space-size=768", "--max-semi-space-size=32"]);
  });

  it("leaves out a setting NODE_OPTIONS already gives", () => {
    expect(consoleNodeFlags("--max-old-space-size=4096")).toEqual(["--max-semi-space-size=32"]);
    expect(consoleNodeFlags("--max-semi-space-size=64 --max-old-space-size=2048")).toEqual([]);
  });
});

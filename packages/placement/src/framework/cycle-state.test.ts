import { describe, expect, it } from "vitest";
import { CycleState, createStateKey, missingState } from "./cycle-state";

describe("CycleState", () => {
  it("returns what was written under a typed key", () => {
    const state = new CycleState();
    const key = createStateKey<{ models: string[] }>("test/models");
    state.write(key, { models: ["H100"] });
    expect(state.read(key)).toEqual({ models: ["H100"] });
  });

  it("reports a key nobody wrote as an error status, not a throw", () => {
    const state = new CycleState();
    const key = createStateKey<number>("test/never");
    expect(state.read(key)).toBeUndefined();
    expect(missingState(key)).toEqual({
      code: "error",
      reasons: [
        {
          message: "internal error: missing cycle state",
          detail: "cycle state 'test/never' was not written",
        },
      ],
    });
  });
});

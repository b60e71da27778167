import { describe, expect, it } from "vitest";
import { canTransition, checkTransition, TERMINAL_STATES, TRANSITIONS } from "./state-machine.ts";

describe("workload state machine", () => {
  it.each([
    ["DRAFT", "PENDING"],
    ["PENDING", "AWAITING_APPROVAL"],
    ["AWAITING_APPROVAL", "SCHEDULED"],
    ["SCHEDULED", "RUNNING"],
    ["RUNNING", "SUCCEEDED"],
    ["RUNNING", "FAILED"],
    ["RUNNING", "PENDING"],
    ["SCHEDULED", "PREEMPTED"],
    ["PREEMPTED", "PENDING"],
    ["PENDING", "REJECTED"],
  ] as const)("allows %s -> %s", (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    ["DRAFT", "RUNNING"],
    ["PENDING", "RUNNING"],
    ["SUCCEEDED", "RUNNING"],
    ["CANCELLED", "PENDING"],
    ["RUNNING", "SCHEDULED"],
  ] as const)("refuses %s -> %s", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it("names the allowed states in a refusal", () => {
    expect(checkTransition("PENDING", "RUNNING")).toEqual({
      ok: false,
      message:
        "A PENDING workload cannot become RUNNING; it can become AWAITING_APPROVAL, SCHEDULED, REJECTED, CANCELLED.",
    });
    expect(checkTransition("SUCCEEDED", "RUNNING")).toEqual({
      ok: false,
      message: "A SUCCEEDED workload is finished; it cannot become RUNNING.",
    });
  });

  it("lets every live state be cancelled and nothing leave a terminal state", () => {
    for (const [from, targets] of Object.entries(TRANSITIONS)) {
      if (TERMINAL_STATES.includes(from as never)) expect(targets).toEqual([]);
      else expect(targets).toContain("CANCELLED");
    }
  });
});

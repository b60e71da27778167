import { describe, expect, it } from "vitest";
import { decodeExitCode, parseGres } from "./slurm-client.ts";
import {
  modelOfGresType,
  nodeStatusOf,
  retryDelaySeconds,
  sbatchScript,
  timeLimitMinutes,
} from "./slurm-loop.ts";

describe("Slurm's answers in Switchyard's terms", () => {
  it("reads GPU counts from GRES strings as slurmrestd v0.0.38 writes them", () => {
    expect(parseGres("gpu:h200:8")).toEqual([{ type: "h200", count: 8 }]);
    expect(parseGres("gpu:h200:8(IDX:0-7)")).toEqual([{ type: "h200", count: 8 }]);
    expect(parseGres("gpu:h200:0(IDX:N/A)")).toEqual([{ type: "h200", count: 0 }]);
    expect(parseGres("gpu:a100:2(S:0-1),gpu:h100:4(S:0),mps:100")).toEqual([
      { type: "a100", count: 2 },
      { type: "h100", count: 4 },
    ]);
    expect(parseGres("gpu:4")).toEqual([{ type: "gpu", count: 4 }]);
    expect(parseGres("")).toEqual([]);
    expect(parseGres(undefined)).toEqual([]);
  });

  it("decodes exit_code as a wait status: 768 is exit code 3, 15 is signal 15", () => {
    expect(decodeExitCode(768)).toEqual({ exitCode: 3, signal: null });
    expect(decodeExitCode(0)).toEqual({ exitCode: 0, signal: null });
    expect(decodeExitCode(15)).toEqual({ exitCode: null, signal: 15 });
    expect(decodeExitCode(undefined)).toEqual({ exitCode: null, signal: null });
  });

  it("maps node states: drain -> DRAINING, down -> DOWN, unknown/not responding -> no change, the rest READY", () => {
    expect(nodeStatusOf({ state: "idle", state_flags: [] })).toBe("READY");
    expect(nodeStatusOf({ state: "mixed", state_flags: [] })).toBe("READY");
    expect(nodeStatusOf({ state: "allocated" })).toBe("READY");
    expect(nodeStatusOf({ state: "idle", state_flags: ["DRAIN"] })).toBe("DRAINING");
    expect(nodeStatusOf({ state: "drained" })).toBe("DRAINING");
    expect(nodeStatusOf({ state: "mixed", state_flags: ["DRAIN"] })).toBe("DRAINING");
    expect(nodeStatusOf({ state: "down", state_flags: [] })).toBe("DOWN");
    expect(nodeStatusOf({ state: "idle", state_flags: ["NOT_RESPONDING"] })).toBeNull();
    expect(nodeStatusOf({ state: "unknown", state_flags: [] })).toBeNull();
    expect(nodeStatusOf({ state: "future" })).toBe("DOWN");
    expect(nodeStatusOf({ state: "down", state_flags: ["DRAIN"] })).toBe("DOWN");
  });

  it("names GPU models from GRES types, case-insensitively, and nothing it does not know", () => {
    expect(modelOfGresType("h200")).toBe("H200");
    expect(modelOfGresType("a100-80gb")).toBe("A100-80GB");
    expect(modelOfGresType("gpu")).toBeNull();
  });

  it("gives a time limit of the estimate plus 25 % and 10 minutes, and backs off up to 10 minutes", () => {
    expect(timeLimitMinutes(1)).toBe(85);
    expect(timeLimitMinutes(0.1)).toBe(18);
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(retryDelaySeconds)).toEqual([15, 30, 60, 120, 240, 480, 600, 600]);
  });

  it("writes the command into a bash batch script naming the workload", () => {
    expect(sbatchScript({ id: "w1", name: "train\nx", command: "python train.py" })).toBe(
      "#!/bin/bash\n# Switchyard workload w1 (train x)\npython train.py\n",
    );
  });
});

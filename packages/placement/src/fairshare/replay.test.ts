import { describe, expect, it } from "vitest";
import { replayQueue, type TReplayInput } from "./replay";

const H = 3_600_000;
const base: TReplayInput = { now: 0, capacity: { H100: 8 }, running: [], queue: [], teamLimits: new Map() };
const queued = (id: string, gpus: number, hours: number | null = 1, teamId = "a") => ({
  workloadId: id,
  teamId,
  gpuModel: "H100",
  gpus,
  hours,
  blocked: false,
});

describe("replayQueue", () => {
  it("starts work that fits now at now, and the next when running work ends", () => {
    const out = replayQueue({
      ...base,
      running: [{ teamId: "b", gpuModel: "H100", gpus: 4, endsAt: 3 * H }],
      queue: [queued("w1", 4, 2), queued("w2", 8)],
    });
    expect(out.map((o) => [o.workloadId, o.startsAt])).toEqual([
      ["w1", 0],
      ["w2", 3 * H],
    ]);
  });

  it("never starts a workload before the one ahead of it (no backfilling)", () => {
    const out = replayQueue({
      ...base,
      running: [{ teamId: "b", gpuModel: "H100", gpus: 8, endsAt: 5 * H }],
      queue: [queued("big", 8), queued("small", 1)],
    });
    expect(out.map((o) => o.startsAt)).toEqual([5 * H, 5 * H + H]);
  });

  it("says unknown when the GPUs it waits for are held by work without an estimate, and for all behind it", () => {
    const out = replayQueue({
      ...base,
      running: [{ teamId: "b", gpuModel: "H100", gpus: 8, endsAt: null }],
      queue: [queued("w1", 2), queued("w2", 2)],
    });
    expect(out.map((o) => o.startsAt)).toEqual([null, null]);
    expect(out[0]?.why).toContain("without an estimated end");
  });

  it("keeps a team within its limit and skips blocked work", () => {
    const out = replayQueue({
      ...base,
      capacity: { H100: 16 },
      running: [{ teamId: "a", gpuModel: "H100", gpus: 4, endsAt: 2 * H }],
      queue: [{ ...queued("blocked", 2), blocked: true }, queued("limited", 4)],
      teamLimits: new Map([["a", 4]]),
    });
    expect(out.map((o) => o.startsAt)).toEqual([null, 2 * H]);
  });

  it("takes any model for '*' and refuses what never fits", () => {
    const out = replayQueue({
      ...base,
      capacity: { H100: 8, L4: 2 },
      queue: [{ ...queued("any", 8), gpuModel: "*" }, queued("huge", 64)],
    });
    expect(out[0]?.startsAt).toBe(0);
    expect(out[1]).toMatchObject({ startsAt: null, why: "more GPUs than the estate or its team limit has" });
  });
});

import { describe, expect, it } from "vitest";
import { aRequest, aSite, aSnapshot } from "../../testing/builders";
import { scoreSites } from "../../testing/run-plugin";
import { utilisationPlugin } from ".";

// Two 8-GPU nodes per site; after taking 4 GPUs, "busy" is 75% used, "idle" 25%.
const snapshot = aSnapshot()
  .site(aSite("busy"))
  .site(aSite("idle"))
  .nodes("busy", 2, (n, i) => n.free(i === 0 ? 8 : 0))
  .nodes("idle", 2)
  .build();

describe("utilisation score", () => {
  it.each([
    {
      mode: "binpack" as const,
      expected: { busy: { raw: 0.75, score: 100 }, idle: { raw: 0.25, score: 0 } },
    },
    { mode: "spread" as const, expected: { busy: { raw: 0.75, score: 0 }, idle: { raw: 0.25, score: 100 } } },
  ])("$mode prefers the right site", ({ mode, expected }) => {
    expect(
      scoreSites(utilisationPlugin, snapshot, aRequest().gpus(4).build(), { utilisation: mode }),
    ).toEqual(expected);
  });
});

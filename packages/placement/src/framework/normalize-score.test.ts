import { describe, expect, it } from "vitest";
import { normalizeScores } from "./normalize-score";

describe("normalizeScores", () => {
  it.each([
    {
      name: "maps higher-is-better raw scores onto 0..100",
      raw: [0, 5, 10],
      lowerIsBetter: false,
      want: [0, 50, 100],
    },
    { name: "flips lower-is-better raw scores", raw: [10, 30, 50], lowerIsBetter: true, want: [100, 50, 0] },
    {
      name: "gives everyone 100 when nothing tells them apart",
      raw: [7, 7],
      lowerIsBetter: true,
      want: [100, 100],
    },
    { name: "handles a single candidate", raw: [3], lowerIsBetter: false, want: [100] },
  ])("$name", ({ raw, lowerIsBetter, want }) => {
    const scores = [...raw];
    normalizeScores(scores, lowerIsBetter);
    expect(scores).toEqual(want);
  });
});

import { describe, expect, it } from "vitest";
import { shownCandidates } from "./shown-candidates";

const ranked = Array.from({ length: 11 }, (_, i) => ({ siteId: `s${i + 1}`, rank: i + 1 }));

describe("shownCandidates", () => {
  it("shows the best ones when nothing was chosen yet, or the choice is among them", () => {
    expect(shownCandidates(ranked, null, 8).map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(shownCandidates(ranked, "s3", 8).map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("adds the chosen candidate after them when it ranks past them", () => {
    expect(shownCandidates(ranked, "s11", 8).map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 11]);
  });

  it("shows no extra row for a chosen site the decision does not hold", () => {
    expect(shownCandidates(ranked, "elsewhere", 8)).toHaveLength(8);
    expect(shownCandidates(ranked.slice(0, 3), "s2", 8)).toHaveLength(3);
  });
});

import { describe, expect, it } from "vitest";
import { spreadOverlapping } from "./map-layout";

const touching = (a: { cx: number; cy: number; r: number }, b: { cx: number; cy: number; r: number }) =>
  Math.hypot(a.cx - b.cx, a.cy - b.cy) < a.r + b.r;

describe("spreadOverlapping", () => {
  it("leaves circles that do not overlap where their sites are", () => {
    const placed = spreadOverlapping([
      { id: "a", x: 10, y: 10, r: 5 },
      { id: "b", x: 100, y: 10, r: 5 },
    ]);
    expect(placed.map((p) => [p.cx, p.cy])).toEqual([
      [10, 10],
      [100, 10],
    ]);
  });

  it("spreads three sites in one city so that no two circles touch, keeping the given order", () => {
    const city = [
      { id: "onprem", x: 500, y: 120, r: 14 },
      { id: "cloud", x: 500.4, y: 120.2, r: 9 },
      { id: "edge", x: 499.8, y: 119.9, r: 4 },
    ];
    const placed = spreadOverlapping(city);
    expect(placed.map((p) => p.id)).toEqual(["onprem", "cloud", "edge"]);
    for (let i = 0; i < placed.length; i++)
      for (let j = i + 1; j < placed.length; j++)
        expect(touching(placed[i] as never, placed[j] as never)).toBe(false);
    // They stay near the city.
    for (const p of placed) expect(Math.hypot(p.cx - 500, p.cy - 120)).toBeLessThan(40);
  });

  it("gathers overlap transitively (a chain of neighbours is one group) and is deterministic", () => {
    const chain = Array.from({ length: 6 }, (_, i) => ({ id: `s${5 - i}`, x: 200 + i * 6, y: 50, r: 5 }));
    const once = spreadOverlapping(chain);
    expect(spreadOverlapping(chain)).toEqual(once);
    for (let i = 0; i < once.length; i++)
      for (let j = i + 1; j < once.length; j++)
        expect(touching(once[i] as never, once[j] as never)).toBe(false);
  });
});

describe("spreadOverlapping, when a ring reaches a neighbour", () => {
  it("merges the neighbour into the group so that nothing overlaps in the end", () => {
    // Three sites in one city, and a big one just beyond the city's circles' reach.
    const points = [
      { id: "big", x: 560, y: 100, r: 20 },
      { id: "c1", x: 520, y: 100, r: 12 },
      { id: "c2", x: 520.5, y: 100.3, r: 10 },
      { id: "c3", x: 519.6, y: 99.8, r: 8 },
    ];
    const placed = spreadOverlapping(points);
    for (let i = 0; i < placed.length; i++)
      for (let j = i + 1; j < placed.length; j++)
        expect(touching(placed[i] as never, placed[j] as never)).toBe(false);
  });
});

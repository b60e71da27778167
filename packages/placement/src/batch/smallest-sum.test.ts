import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { smallestSum } from "./smallest-sum";

/** What a sort gives: the sum of the first `count` in ascending order, and the count-th. */
function bySorting(values: readonly number[], count: number): { sum: number; threshold: number } {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let r = 0; r < count; r++) sum += sorted[r] as number;
  return { sum, threshold: sorted[count - 1] as number };
}

describe("smallestSum", () => {
  it("equals a sort's answer, with ties, negatives and infinities", () => {
    // Few distinct values make ties the common case (the bound's values tie often: equal
    // costs, equal tails).
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constant(Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc
          .array(value, { minLength: 1, maxLength: 300 })
          .chain((values) => fc.tuple(fc.constant(values), fc.integer({ min: 1, max: values.length }))),
        ([values, count]) => {
          const scratch = new Float64Array(values.length + 3);
          const input = Float64Array.from(values);
          const got = smallestSum(input, scratch, count);
          const want = bySorting(values, count);
          expect(got.threshold).toBe(want.threshold);
          if (Number.isFinite(want.sum)) expect(got.sum).toBeCloseTo(want.sum, 3);
          else expect(got.sum).toBe(want.sum);
          expect(Array.from(input)).toEqual(values); // the input is left alone
        },
      ),
      { numRuns: 500, seed: 20_261_204 },
    );
  });

  it("stays exact on inputs that defeat its pivot (sorted, reversed, organ pipe, all equal)", () => {
    const n = 5_001;
    const orders: Record<string, number[]> = {
      sorted: Array.from({ length: n }, (_, i) => i),
      reversed: Array.from({ length: n }, (_, i) => n - i),
      organPipe: Array.from({ length: n }, (_, i) => Math.min(i, n - i)),
      equal: Array.from({ length: n }, () => 7),
    };
    for (const values of Object.values(orders)) {
      for (const count of [1, 2, 2_500, n - 1, n]) {
        const got = smallestSum(Float64Array.from(values), new Float64Array(n), count);
        expect(got).toEqual(bySorting(values, count));
      }
    }
  });

  it("refuses a count outside 1..n", () => {
    expect(() => smallestSum(new Float64Array(3), new Float64Array(3), 0)).toThrow(RangeError);
    expect(() => smallestSum(new Float64Array(3), new Float64Array(3), 4)).toThrow(RangeError);
  });
});

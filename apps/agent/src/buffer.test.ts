import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";
import { SampleBuffer } from "./buffer.ts";

describe("SampleBuffer", () => {
  it("keeps the newest samples up to its capacity and counts what it dropped", () => {
    const buffer = new SampleBuffer<number>(5);
    buffer.push([1, 2, 3]);
    buffer.push([4, 5, 6, 7]);
    expect({ size: buffer.size, dropped: buffer.dropped }).toEqual({ size: 5, dropped: 2 });
    expect(buffer.take(2)).toEqual([3, 4]);
    buffer.push([8, 9]);
    buffer.putBack([3, 4]);
    expect(buffer.dropped).toBe(4);
    expect(buffer.take(10)).toEqual([5, 6, 7, 8, 9]);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially to the cap, jittered below it", () => {
    const top = (attempt: number) => backoffDelay(attempt, { baseMs: 1_000, maxMs: 60_000 }, () => 0.999_999);
    expect([1, 2, 3, 4, 7, 20].map(top)).toEqual([999, 1_999, 3_999, 7_999, 59_999, 59_999]);
    expect(backoffDelay(5, { baseMs: 1_000, maxMs: 60_000 }, () => 0.5)).toBe(8_000);
    expect(backoffDelay(5, { baseMs: 1_000, maxMs: 60_000 }, () => 0)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { parseRetryAfter, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_MAX_DELAY_MS, webhookRetryDelayMs } from "./retry.ts";

describe("webhook retry schedule", () => {
  it("doubles from 30 seconds after each failed attempt and caps at an hour", () => {
    const minutes = Array.from(
      { length: WEBHOOK_MAX_ATTEMPTS - 1 },
      (_, i) => webhookRetryDelayMs(i + 1) / 60_000,
    );
    expect(minutes).toEqual([0.5, 1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it("waits longer when the receiver asks with Retry-After, but never past the cap", () => {
    expect(webhookRetryDelayMs(1, 120_000)).toBe(120_000);
    expect(webhookRetryDelayMs(3, 1_000)).toBe(120_000);
    expect(webhookRetryDelayMs(1, 10 * 3_600_000)).toBe(WEBHOOK_MAX_DELAY_MS);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-11-28T12:00:00Z");
    expect(parseRetryAfter("90", now)).toBe(90_000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 12:05:00 GMT", now)).toBe(300_000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

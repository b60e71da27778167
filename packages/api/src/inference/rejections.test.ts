import { describe, expect, it } from "vitest";
import { DEFAULT_REJECT_BACKOFF_SECONDS, serviceRejectBackoffFromEnv } from "./rejections.ts";

describe("SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS", () => {
  it("defaults to four hours, takes whole seconds (0 turns the back-off off)", () => {
    expect(serviceRejectBackoffFromEnv({})).toBe(DEFAULT_REJECT_BACKOFF_SECONDS);
    expect(DEFAULT_REJECT_BACKOFF_SECONDS).toBe(14_400);
    expect(serviceRejectBackoffFromEnv({ SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS: " 600 " })).toBe(600);
    expect(serviceRejectBackoffFromEnv({ SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS: "0" })).toBe(0);
  });

  it.each(["2h", "-5", "1.5", "9999999999"])("refuses %s naming the variable", (raw) => {
    expect(() => serviceRejectBackoffFromEnv({ SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS: raw })).toThrow(
      `SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS must be a whole number of seconds from 0 to 2592000 (30 days); it is "${raw}".`,
    );
  });
});

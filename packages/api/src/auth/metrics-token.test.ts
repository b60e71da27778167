import { describe, expect, it } from "vitest";
import { METRICS_TOKEN_MIN_LENGTH, metricsRefusal, metricsTokenFromEnv } from "./metrics-token.ts";

const TOKEN = "0123456789abcdef".repeat(4);

describe("metrics token", () => {
  it("is off when SWITCHYARD_METRICS_TOKEN is unset or blank, and refuses a short or spaced one naming the variable", () => {
    expect(metricsTokenFromEnv({})).toBeNull();
    expect(metricsTokenFromEnv({ SWITCHYARD_METRICS_TOKEN: "  " })).toBeNull();
    expect(metricsTokenFromEnv({ SWITCHYARD_METRICS_TOKEN: ` ${TOKEN}\n` })).toBe(TOKEN);
    expect(() =>
      metricsTokenFromEnv({ SWITCHYARD_METRICS_TOKEN: "x".repeat(METRICS_TOKEN_MIN_LENGTH - 1) }),
    ).toThrow(/^SWITCHYARD_METRICS_TOKEN must be at least 32 characters/);
    expect(() => metricsTokenFromEnv({ SWITCHYARD_METRICS_TOKEN: `${TOKEN} ${TOKEN}` })).toThrow(
      /SWITCHYARD_METRICS_TOKEN/,
    );
  });

  it("accepts exactly the configured token as a Bearer credential", () => {
    expect(metricsRefusal(`Bearer ${TOKEN}`, TOKEN)).toBeNull();
    expect(metricsRefusal(`bearer   ${TOKEN} `, TOKEN)).toBeNull();
    expect(metricsRefusal(`Bearer ${TOKEN.toUpperCase()}`, TOKEN)).toBe("This metrics token is not valid.");
    expect(metricsRefusal(`Bearer ${TOKEN}0`, TOKEN)).toBe("This metrics token is not valid.");
    expect(metricsRefusal(`Bearer ${TOKEN} extra`, TOKEN)).toMatch(/^Send the metrics token/);
    expect(metricsRefusal(TOKEN, TOKEN)).toMatch(/^Send the metrics token/);
    expect(metricsRefusal(null, TOKEN)).toMatch(/^Send the metrics token/);
    expect(metricsRefusal(`Bearer ${TOKEN}`, null)).toMatch(/^Metrics are off on this server/);
  });
});

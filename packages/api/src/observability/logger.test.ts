import { describe, expect, it } from "vitest";
import { logLevelFromEnv } from "./logger.ts";

describe("LOG_LEVEL", () => {
  it("defaults to info, takes pino's level names in any case, and refuses others naming the variable", () => {
    expect(logLevelFromEnv({})).toBe("info");
    expect(logLevelFromEnv({ LOG_LEVEL: "" })).toBe("info");
    expect(logLevelFromEnv({ LOG_LEVEL: "DEBUG" })).toBe("debug");
    expect(logLevelFromEnv({ LOG_LEVEL: " warn " })).toBe("warn");
    expect(logLevelFromEnv({ LOG_LEVEL: "silent" })).toBe("silent");
    expect(() => logLevelFromEnv({ LOG_LEVEL: "verbose" })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; it is "verbose".',
    );
  });
});

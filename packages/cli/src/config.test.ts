import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  configPath,
  normaliseServer,
  readConfig,
  removeConfig,
  resolveConnection,
  writeConfig,
} from "./config.ts";

describe("config", () => {
  it("lives in the XDG config dir, owner-only (0600 in a 0700 directory)", () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-config-"));
    const env = { XDG_CONFIG_HOME: dir };
    const file = writeConfig({ server: "http://localhost:3000", token: "sy_secret" }, env);
    expect(file).toBe(join(dir, "switchyard", "config.json"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "switchyard")).mode & 0o777).toBe(0o700);
    expect(readConfig(env)).toEqual({ server: "http://localhost:3000", token: "sy_secret" });
    expect(JSON.parse(readFileSync(file, "utf8")).token).toBe("sy_secret");
    expect(removeConfig(env)).toBe(true);
    expect(readConfig(env)).toBeNull();
  });

  it("falls back to ~/.config; a relative XDG_CONFIG_HOME is ignored, as the spec says", () => {
    expect(configPath({ HOME: "/home/ada", XDG_CONFIG_HOME: "relative" })).toMatch(
      /\.config\/switchyard\/config\.json$/,
    );
  });

  it("environment variables win over the file, and nothing at all says how to log in", () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "switchyard-cli-config-")) };
    expect(() => resolveConnection(env)).toThrow(/Not logged in: run `switchyard login --server URL`/);
    writeConfig({ server: "http://a.example", token: "sy_a" }, env);
    expect(resolveConnection({ ...env, SWITCHYARD_TOKEN: "sy_b" })).toEqual({
      server: "http://a.example",
      token: "sy_b",
    });
    expect(resolveConnection({ ...env, SWITCHYARD_SERVER: "https://b.example/" }).server).toBe(
      "https://b.example",
    );
  });

  it("server URLs are normalised; others are usage errors", () => {
    expect(normaliseServer("http://localhost:3000/")).toBe("http://localhost:3000");
    expect(normaliseServer("https://x.example/switchyard/")).toBe("https://x.example/switchyard");
    expect(() => normaliseServer("localhost")).toThrow(/not a URL/);
    expect(() => normaliseServer("ftp://x.example")).toThrow(/http or https/);
  });
});

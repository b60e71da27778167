import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateSecretKey, loadSecretBox, SecretBox } from "./secrets.ts";

const key = () => Buffer.from(generateSecretKey(), "base64");

describe("SecretBox", () => {
  it("round-trips, with a fresh IV each time and the key id in the value", () => {
    const box = new SecretBox(key());
    const a = box.encrypt("whsec_abc", "webhook.secret");
    const b = box.encrypt("whsec_abc", "webhook.secret");
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^enc:v1:${box.currentKeyId}:[\\w-]{16}:[\\w-]+$`));
    expect(a).not.toContain("whsec_abc");
    expect(box.decrypt(a, "webhook.secret")).toBe("whsec_abc");
  });

  it("refuses a tampered value, another purpose's value and an unknown key", () => {
    const box = new SecretBox(key());
    const stored = box.encrypt("whsec_abc", "webhook.secret");
    // Change the second-to-last character (always a data bit of the tag) to a different one.
    const flipped = `${stored.slice(0, -2)}${stored.at(-2) === "A" ? "B" : "A"}${stored.slice(-1)}`;
    expect(() => box.decrypt(flipped, "webhook.secret")).toThrow("does not decrypt");
    expect(() => box.decrypt(stored, "executor.credentials")).toThrow("does not decrypt");
    expect(() => new SecretBox(key()).decrypt(stored, "webhook.secret")).toThrow(
      /neither SWITCHYARD_SECRET_KEY nor in SWITCHYARD_SECRET_KEY_PREVIOUS/,
    );
  });

  it("reads values under a previous key and says they need re-encryption, like plain legacy values", () => {
    const old = key();
    const stored = new SecretBox(old).encrypt("s", "webhook.secret");
    const rotated = new SecretBox(key(), [old]);
    expect(rotated.decrypt(stored, "webhook.secret")).toBe("s");
    expect(rotated.needsReencryption(stored)).toBe(true);
    expect(rotated.needsReencryption("whsec_plain")).toBe(true);
    expect(rotated.decrypt("whsec_plain", "webhook.secret")).toBe("whsec_plain");
    expect(rotated.needsReencryption(rotated.encrypt("s", "webhook.secret"))).toBe(false);
  });
});

describe("loadSecretBox", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("generates a key once into the data directory, readable by the owner only", () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-secrets-"));
    const first = loadSecretBox({}, dir);
    const second = loadSecretBox({}, dir);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(Buffer.from(readFileSync(join(dir, "secret-key"), "utf8"), "base64")).toHaveLength(32);
    expect(statSync(join(dir, "secret-key")).mode & 0o777).toBe(0o600);
  });

  it("takes the key from SWITCHYARD_SECRET_KEY and previous keys from SWITCHYARD_SECRET_KEY_PREVIOUS", () => {
    dir = mkdtempSync(join(tmpdir(), "switchyard-secrets-"));
    const [current, old1, old2] = [generateSecretKey(), generateSecretKey(), generateSecretKey()];
    const box = loadSecretBox(
      { SWITCHYARD_SECRET_KEY: current, SWITCHYARD_SECRET_KEY_PREVIOUS: `${old1}, ${old2}` },
      dir,
    );
    expect(box.currentKeyId).toBe(new SecretBox(Buffer.from(current, "base64")).currentKeyId);
    const fromOld = new SecretBox(Buffer.from(old2, "base64")).encrypt("x", "webhook.secret");
    expect(box.decrypt(fromOld, "webhook.secret")).toBe("x");
  });

  it("names the variable of a malformed key", () => {
    expect(() => loadSecretBox({ SWITCHYARD_SECRET_KEY: "too-short" }, "/nonexistent")).toThrow(
      /^SWITCHYARD_SECRET_KEY must be 32 random bytes in base64/,
    );
    expect(() =>
      loadSecretBox(
        { SWITCHYARD_SECRET_KEY: generateSecretKey(), SWITCHYARD_SECRET_KEY_PREVIOUS: "x" },
        "/nonexistent",
      ),
    ).toThrow(/^SWITCHYARD_SECRET_KEY_PREVIOUS must be/);
  });
});

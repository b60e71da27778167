import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  signWebhookPayload,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
  webhookSecretHint,
} from "./signature.ts";

const SECRET = "whsec_test-secret";
const BODY = '{"id":"d1","type":"workload.state_changed","data":{"to":"RUNNING"}}';
const NOW = new Date("2026-11-28T12:00:00Z");
const TS = Math.floor(NOW.getTime() / 1_000);

describe("webhook signatures", () => {
  it("signs 'timestamp.body' with HMAC-SHA256 as a sha256=<hex> header", () => {
    const expected = createHmac("sha256", SECRET).update(`${TS}.${BODY}`).digest("hex");
    expect(signWebhookPayload(SECRET, TS, BODY)).toBe(`sha256=${expected}`);
  });

  it("verifies its own signature, with the timestamp as a header string or a number", () => {
    const header = signWebhookPayload(SECRET, TS, BODY);
    expect(verifyWebhookSignature(SECRET, String(TS), BODY, header, { now: NOW })).toBe(true);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header, { now: NOW })).toBe(true);
  });

  it("refuses a changed body, another secret, another timestamp or a mangled header", () => {
    const header = signWebhookPayload(SECRET, TS, BODY);
    expect(verifyWebhookSignature(SECRET, TS, BODY.replace("RUNNING", "FAILED"), header, { now: NOW })).toBe(
      false,
    );
    expect(verifyWebhookSignature("whsec_other", TS, BODY, header, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS + 1, BODY, header, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header.slice(0, -1), { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header.replace("sha256=", "sha1="), { now: NOW })).toBe(
      false,
    );
    expect(verifyWebhookSignature(SECRET, TS, BODY, undefined, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, "not-a-number", BODY, header, { now: NOW })).toBe(false);
  });

  it("refuses a timestamp outside the tolerance, so a captured request cannot be replayed later", () => {
    const old = TS - WEBHOOK_SIGNATURE_TOLERANCE_SECONDS - 1;
    expect(
      verifyWebhookSignature(SECRET, old, BODY, signWebhookPayload(SECRET, old, BODY), { now: NOW }),
    ).toBe(false);
    const edge = TS - WEBHOOK_SIGNATURE_TOLERANCE_SECONDS;
    expect(
      verifyWebhookSignature(SECRET, edge, BODY, signWebhookPayload(SECRET, edge, BODY), { now: NOW }),
    ).toBe(true);
    expect(
      verifyWebhookSignature(SECRET, old, BODY, signWebhookPayload(SECRET, old, BODY), {
        now: NOW,
        toleranceSeconds: 3_600,
      }),
    ).toBe(true);
  });

  it("makes distinct, prefixed secrets and hints that show only their last four characters", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(webhookSecretHint(a)).toBe(`whsec_…${a.slice(-4)}`);
  });
});

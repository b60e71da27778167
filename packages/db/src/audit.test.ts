import { describe, expect, it } from "vitest";
import { AUDIT_GENESIS_HASH, canonicalJson, hashAuditEvent } from "./audit.ts";

const event = {
  actorId: "u1",
  actorLabel: "ops@example.com",
  action: "site.update",
  objectType: "Site",
  objectId: "s1",
  before: { name: "a", size: 1n },
  after: { size: 2n, name: "b" },
  requestId: null,
  createdAt: new Date("2026-11-28T10:00:00.123Z"),
};

describe("audit hashing", () => {
  it("serialises with sorted keys and BigInt as strings", () => {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: [3, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":"2"},"b":1}',
    );
  });

  it("chains: the same event after another hash differs, and any edit changes the hash", () => {
    const first = hashAuditEvent(AUDIT_GENESIS_HASH, event);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEvent(AUDIT_GENESIS_HASH, { ...event })).toBe(first);
    expect(hashAuditEvent(first, event)).not.toBe(first);
    expect(hashAuditEvent(AUDIT_GENESIS_HASH, { ...event, after: { size: 3n, name: "b" } })).not.toBe(first);
    expect(hashAuditEvent(AUDIT_GENESIS_HASH, { ...event, after: { name: "b", size: 2n } })).toBe(first);
  });
});

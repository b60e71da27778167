import { describe, expect, it } from "vitest";
import { inheritRules, type TLineageSource } from "./inherit.ts";

const source = (over: Partial<TLineageSource> & { name: string }): TLineageSource => ({
  id: over.name,
  classification: "INTERNAL",
  regulations: [],
  residencyCountries: [],
  residencyJurisdictions: [],
  onPremOnly: false,
  ...over,
});
const BERLIN = { country: "DE", jurisdiction: "EU" };

describe("inheritRules", () => {
  it("takes the strictest classification and names the inputs it comes from", () => {
    const rules = inheritRules(
      [
        source({ name: "web-crawl", classification: "PUBLIC" }),
        source({ name: "claims", classification: "REGULATED" }),
        source({ name: "tickets", classification: "CONFIDENTIAL" }),
      ],
      BERLIN,
    );
    expect(rules.classification).toBe("REGULATED");
    expect(rules.from.classification).toEqual(["claims"]);
  });

  it("unions regulations and intersects residency; an unrestricted input restricts nothing", () => {
    const rules = inheritRules(
      [
        source({ name: "claims", regulations: ["GDPR"], residencyCountries: ["DE", "FR", "NL"] }),
        source({ name: "scans", regulations: ["HIPAA", "GDPR"], residencyCountries: ["FR", "DE"] }),
        source({ name: "open", residencyJurisdictions: [] }),
      ],
      BERLIN,
    );
    expect(rules.regulations).toEqual(["GDPR", "HIPAA"]);
    expect(rules.from.regulations).toEqual({ GDPR: ["claims", "scans"], HIPAA: ["scans"] });
    expect(rules.residencyCountries).toEqual(["DE", "FR"]);
    expect(rules.residencyJurisdictions).toEqual([]);
    expect(rules.from.residency).toEqual(["claims", "scans"]);
  });

  it("keeps the model where it was produced when the inputs' residencies share nothing", () => {
    const rules = inheritRules(
      [
        source({ name: "eu", residencyJurisdictions: ["EU"] }),
        source({ name: "us", residencyJurisdictions: ["US"] }),
      ],
      BERLIN,
    );
    expect(rules.residencyJurisdictions).toEqual(["EU"]);
  });

  it("is on-prem only when any input is, and public with no inputs", () => {
    expect(
      inheritRules([source({ name: "a" }), source({ name: "b", onPremOnly: true })], BERLIN).onPremOnly,
    ).toBe(true);
    const none = inheritRules([], BERLIN);
    expect(none.classification).toBe("PUBLIC");
    expect(none.from.classification).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirectUrl } from "./callback-url";

const ORIGIN = "http://localhost:3400";

describe("safeCallbackUrl", () => {
  it.each([
    ["/workloads", "/workloads"],
    ["/workloads?state=PENDING#top", "/workloads?state=PENDING#top"],
    ["/sites/abc/../def", "/sites/def"],
    ["http://localhost:3400/audit?x=1", "/audit?x=1"],
    ["/%5Cevil.example/landing", "/%5Cevil.example/landing"],
  ])("keeps a path on this console: %s", (raw, expected) => {
    expect(safeCallbackUrl(raw, ORIGIN)).toBe(expected);
  });

  it.each([
    // What the issue reproduced, as the page receives them (query values arrive decoded).
    "/\\evil.example/landing",
    "/\t/evil.example/landing",
    "/\n/evil.example",
    "//evil.example",
    "///evil.example",
    "\\\\evil.example",
    "http://localhost:3400.evil.example/",
    "http://localhost:3400@evil.example/",
    "http://user:pw@localhost:3400/",
    "https://localhost:3400/",
    "http://evil.example/",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " /workloads",
    "http://[::1",
    "",
  ])("sends %j to the overview instead", (raw) => {
    expect(safeCallbackUrl(raw, ORIGIN)).toBe("/");
  });

  it("refuses anything that is not a string", () => {
    expect(safeCallbackUrl(undefined, ORIGIN)).toBe("/");
    expect(safeCallbackUrl(["/a", "/b"], ORIGIN)).toBe("/");
  });

  it("gives next-auth an absolute URL on the console", () => {
    expect(safeRedirectUrl("/approvals", ORIGIN)).toBe("http://localhost:3400/approvals");
    expect(safeRedirectUrl("http://localhost:3400.evil.example/", ORIGIN)).toBe("http://localhost:3400/");
    expect(safeRedirectUrl("%E0%A4%A", ORIGIN)).toBe("http://localhost:3400/");
  });
});

import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, generateNonce, securityHeaders } from "./headers";
import { isHttps } from "./origin";

describe("security headers", () => {
  it("allows scripts only with this request's nonce and forbids framing", () => {
    const csp = contentSecurityPolicy("abc123", { isDev: false, isHttps: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("n", { isDev: true, isHttps: true })).toContain("'unsafe-eval'");
  });

  it("sends HSTS only behind TLS", () => {
    expect(securityHeaders({ isHttps: false })).not.toHaveProperty("Strict-Transport-Security");
    expect(securityHeaders({ isHttps: true })["Strict-Transport-Security"]).toMatch(/^max-age=31536000/);
    expect(securityHeaders({ isHttps: false })).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
  });

  it("knows TLS from NEXTAUTH_URL or X-Forwarded-Proto", () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(isHttps(headers({}), { NEXTAUTH_URL: "https://sy.example.com" })).toBe(true);
    expect(isHttps(headers({ "x-forwarded-proto": "https" }), {})).toBe(true);
    expect(isHttps(headers({ "x-forwarded-proto": "http" }), { NEXTAUTH_URL: "http://localhost:3000" })).toBe(
      false,
    );
  });

  it("makes a new nonce every time", () => {
    expect(generateNonce()).not.toBe(generateNonce());
    expect(generateNonce()).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

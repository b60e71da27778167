import { request as httpRequest } from "node:http";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

// Issue 11, the web half: security headers with a CSP the console really passes (row 9),
// cookie flags, the open redirect after sign-in (row 2), next-auth's 500s (row 12), the
// Origin and content-type checks (row 10) and body size limits.

const ORIGIN = `http://localhost:${process.env.E2E_PORT ?? 3199}`;

/**
 * Records CSP violations (from the first byte of every document) and script errors. Call
 * the returned function after each page: a navigation starts a new document.
 */
async function watchForViolations(page: Page) {
  const problems: string[] = [];
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return async () => {
    // Drained, so a document read twice (client navigation) reports each violation once. A
    // page that replaces its URL while loading can swap the document under the read: read again.
    const drain = () =>
      page.evaluate(() => {
        const seen = (window as unknown as { __csp?: string[] }).__csp ?? [];
        return seen.splice(0, seen.length);
      }) as Promise<string[]>;
    let violations: string[] = [];
    for (let attempt = 1; ; attempt++) {
      try {
        await page.waitForLoadState("load");
        violations = await drain();
        break;
      } catch (error) {
        if (attempt >= 5 || !String(error).includes("Execution context was destroyed")) throw error;
      }
    }
    problems.push(...violations.map((v) => `${page.url()}: ${v}`));
    return problems;
  };
}

test.describe("security headers (row 9)", () => {
  test("every kind of response carries them, with a fresh nonce per page", async ({ request }) => {
    const page1 = await request.get("/signin");
    const page2 = await request.get("/signin");
    const api = await request.get("/api/health");
    // The REST API sets its headers in its route (the proxy skips /api/v1).
    const rest = await request.get("/api/v1/openapi.json");
    const csp1 = page1.headers()["content-security-policy"] ?? "";
    const nonce1 = /'nonce-([^']+)'/.exec(csp1)?.[1];
    const nonce2 = /'nonce-([^']+)'/.exec(page2.headers()["content-security-policy"] ?? "")?.[1];
    expect(nonce1).toBeTruthy();
    expect(nonce2).not.toBe(nonce1);
    expect(csp1).toContain("frame-ancestors 'none'");
    expect(csp1).toContain("object-src 'none'");
    expect(csp1).not.toContain("unsafe-eval");
    expect(csp1).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    // Next.js put the nonce on its own inline scripts.
    const html = await page1.text();
    expect(html).toContain(`nonce="${nonce1}"`);
    expect(html).not.toMatch(/<script(?![^>]*nonce=)[^>]*>[^<]/);

    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const staticFile = await request.get(asset as string);
    for (const response of [page1, api, rest, staticFile]) {
      const headers = response.headers();
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(headers["permissions-policy"]).toContain("camera=()");
      // Plain http on this machine: no HSTS.
      expect(headers["strict-transport-security"]).toBeUndefined();
    }
    // The API answers with data, never a page: a constant policy that allows nothing, no nonce.
    for (const response of [api, rest])
      expect(response.headers()["content-security-policy"]).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
  });

  test("HSTS is sent when the console is reached through TLS", async ({ request }) => {
    const response = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
    expect(response.headers()["strict-transport-security"]).toMatch(/^max-age=31536000/);
    expect(response.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
  });

  test("the console's pages load and work under the CSP without a single violation", async ({ page }) => {
    // Fifteen pages, each rendered on demand: more than the default minute on a busy machine.
    test.setTimeout(360_000);
    const problems = await watchForViolations(page);
    // The sign-in form submits through its script (signIn without a page load): reaching the
    // overview proves the page hydrated under the CSP.
    await signInAs(page, "admin@switchyard.demo");
    const paths = [
      "/",
      "/sites",
      "/sites/import",
      "/nodes",
      "/datasets",
      "/teams",
      "/workloads",
      "/workloads/new",
      "/approvals",
      "/audit",
      "/settings",
      "/settings/policies",
      "/settings/webhooks",
    ];
    for (const path of paths) {
      await page.goto(path);
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await problems();
    }
    // The API reference: Scalar's script comes from /api/ (under the API's own policy) and
    // renders the OpenAPI document inside the page (under the page's policy).
    await page.goto("/api-reference");
    await expect(page.getByTestId("api-reference")).not.toBeEmpty({ timeout: 30_000 });
    await problems();
    // Detail pages of the demo estate.
    for (const path of ["/sites/site-dc-ashburn", "/workloads/workload-code-model-sft"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await problems();
    }
    expect(await problems()).toEqual([]);
  });
});

test("the session cookie is HttpOnly and SameSite=Lax (Secure needs TLS, absent on plain http)", async ({
  page,
}) => {
  await signInAs(page, "viewer@switchyard.demo");
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
  for (const cookie of cookies.filter((c) => c.name.includes("next-auth")))
    expect(cookie, cookie.name).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test.describe("after sign-in the browser stays on the console (row 2)", () => {
  const payloads = [
    "/%5Cevil.example/landing",
    "/%09/evil.example/landing",
    "//evil.example",
    "http://localhost:3400.evil.example/",
    `${ORIGIN}.evil.example/`,
    "javascript:alert(document.domain)",
    "https://evil.example/",
  ];

  for (const payload of payloads.slice(0, 4)) {
    test(`signing in with callbackUrl=${payload}`, async ({ page }) => {
      await page.route(
        (url) => url.hostname.endsWith("evil.example"),
        (route) => route.abort(),
      );
      await page.goto(`/signin?callbackUrl=${payload}`);
      await page.getByLabel("Email").fill("viewer@switchyard.demo");
      await page.getByLabel("Password").fill("switchyard");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(ORIGIN);
    });
  }

  test("a signed-in visitor of /signin is sent to the path, or the overview", async ({ page }) => {
    test.setTimeout(300_000);
    await page.route(
      (url) => url.hostname.endsWith("evil.example"),
      (route) => route.abort(),
    );
    await signInAs(page, "viewer@switchyard.demo");
    for (const payload of payloads) {
      // As typed in the address bar: the page gets the query value decoded once.
      await page.goto(`/signin?callbackUrl=${payload}`);
      await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(ORIGIN);
      expect(new URL(page.url()).pathname).toBe("/");
    }
    await page.goto(`/signin?callbackUrl=${encodeURIComponent("/sites?kind=EDGE")}`);
    await expect(page).toHaveURL(`${ORIGIN}/sites?kind=EDGE`);
  });

  test("next-auth's own redirect (sign-out) keeps to the console", async ({ request }) => {
    const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await request.post("/api/auth/signout", {
      form: { csrfToken: csrf.csrfToken, callbackUrl: "http://localhost:3400.evil.example/", json: "true" },
    });
    expect(response.status()).toBe(200);
    expect(((await response.json()) as { url: string }).url).toBe(`${ORIGIN}/`);
  });
});

test.describe("no 500 from the auth routes (row 12)", () => {
  async function credentialsPost(request: APIRequestContext, extra: Record<string, string>, query = "") {
    const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    return request.post(`/api/auth/callback/credentials${query}`, {
      form: {
        csrfToken: csrf.csrfToken,
        email: "viewer@switchyard.demo",
        password: "switchyard",
        json: "true",
        ...extra,
      },
      maxRedirects: 0,
    });
  }

  test("a sign-in POST with a foreign callbackUrl signs in and stays here", async ({ request }) => {
    const response = await credentialsPost(request, { callbackUrl: "http://localhost:3400.evil.example/" });
    expect(response.status()).toBe(200);
    expect(((await response.json()) as { url: string }).url).toBe(`${ORIGIN}/`);
    const inQuery = await credentialsPost(
      request,
      {},
      `?callbackUrl=${encodeURIComponent("http://localhost:3400.evil.example/")}`,
    );
    expect(inQuery.status()).toBeLessThan(500);
  });

  test("a malformed callback-url cookie is a 4xx that clears the cookie, then sign-in works", async ({
    playwright,
  }) => {
    const request = await playwright.request.newContext({
      baseURL: ORIGIN,
      extraHTTPHeaders: { cookie: "next-auth.callback-url=http%3A%2F%2Flocalhost%3A3400.evil.example%2F" },
    });
    const session = await request.get("/api/auth/session", { maxRedirects: 0 });
    expect(session.status()).toBeGreaterThanOrEqual(300);
    expect(session.status()).toBeLessThan(500);
    expect(session.headers()["set-cookie"]).toContain("next-auth.callback-url=;");
    const post = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken: "x", email: "a@b.c", password: "p", json: "true" },
      maxRedirects: 0,
    });
    expect(post.status()).toBe(400);
    expect(await post.json()).toMatchObject({
      error: { code: "INVALID_REQUEST" },
      url: "/signin?error=InvalidRequest",
    });
    await request.dispose();
  });

  test("GET /api/auth/callback/credentials is 405, not 500", async ({ request }) => {
    const response = await request.get("/api/auth/callback/credentials", { maxRedirects: 0 });
    expect(response.status()).toBe(405);
    expect(response.headers().allow).toBe("POST");
    expect(await response.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
  });
});

test.describe("state-changing requests from other origins (row 10)", () => {
  const body = JSON.stringify({ 0: { json: { name: "csrf" } } });

  test("a cross-origin browser request is refused with 403 and the error shape", async ({ request }) => {
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: `${ORIGIN}.evil.example` },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of attempts) {
      const response = await request.post("/api/trpc/site.create?batch=1", {
        headers: { "content-type": "application/json", ...headers },
        data: body,
      });
      expect(response.status(), JSON.stringify(headers)).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    }
    // The REST API refuses them in its own route (the proxy skips /api/v1).
    const restChange = await request.post("/api/v1/sites", {
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      data: JSON.stringify({ name: "csrf" }),
    });
    expect(restChange.status()).toBe(403);
    expect(await restChange.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    const signOut = await request.post("/api/auth/signout", { headers: { origin: "https://evil.example" } });
    expect(signOut.status()).toBe(403);
  });

  test("form and text posts to tRPC are refused with 415, even without Origin", async ({ request }) => {
    const multipart = await request.post("/api/trpc/site.create", { multipart: { name: "csrf" } });
    expect(multipart.status()).toBe(415);
    const text = await request.post("/api/trpc/site.create", {
      headers: { "content-type": "text/plain" },
      data: body,
    });
    expect(text.status()).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE" } });
  });

  test("the console's own pages and clients without Origin still get through", async ({ page, request }) => {
    // No Origin (a script): not refused by the check; refused for want of a session instead.
    const anonymous = await request.post("/api/trpc/site.create", {
      headers: { "content-type": "application/json" },
      data: JSON.stringify({ json: { name: "x" } }),
    });
    expect(anonymous.status()).toBe(401);
    // The browser sends Origin on its own mutations; they work.
    await signInAs(page, "admin@switchyard.demo");
    await page.goto("/settings/webhooks");
    const mutation = page.waitForResponse(
      (r) => r.url().includes("/api/trpc/") && r.request().method() === "POST",
    );
    await page.getByRole("button", { name: "New webhook" }).click();
    const dialog = page.getByRole("dialog", { name: "New webhook" });
    await dialog.getByLabel("Name").fill(`origin check ${Date.now().toString(36)}`);
    await dialog.getByLabel("Payload URL").fill("http://169.254.169.254/latest/meta-data/");
    await dialog.getByRole("button", { name: "Create webhook" }).click();
    const response = await mutation;
    expect((await response.request().allHeaders()).origin).toBe(ORIGIN);
    expect(response.status()).toBe(400);
    // Row 3 seen from the console: the metadata address is refused on save, on the field.
    await expect(
      dialog.getByText(/This URL is not allowed: 169\.254\.169\.254 is a link-local address/),
    ).toBeVisible();
  });
});

test.describe("request body limits", () => {
  test("a body over 1 MiB is refused with 413 before it is read", async ({ request }) => {
    const big = JSON.stringify({ json: { name: "x".repeat(2 * 1024 * 1024) } });
    const response = await request.post("/api/trpc/site.create", {
      headers: { "content-type": "application/json" },
      data: big,
    });
    expect(response.status()).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    const rest = await request.post("/api/v1/sites", {
      headers: { "content-type": "application/json" },
      data: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(rest.status()).toBe(413);
    expect(await rest.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  test("a chunked body without Content-Length is counted as it streams", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        `${ORIGIN}/api/trpc/site.create`,
        { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      // The server may answer and close while we still send: the answer is what counts.
      outgoing.on("error", (error) => setTimeout(() => reject(error), 2_000));
      const chunk = Buffer.alloc(256 * 1024, "a");
      let sent = 0;
      const pump = () => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!outgoing.write(chunk)) return outgoing.once("drain", pump);
        }
        outgoing.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

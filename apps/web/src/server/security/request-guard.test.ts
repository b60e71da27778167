import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bodyLimitFor,
  crossOriginRefusal,
  declaredBodyRefusal,
  guardedApiRequest,
  MAX_BATCH_SUBMIT_BODY_BYTES,
  MAX_BODY_BYTES,
  MAX_CATALOG_BODY_BYTES,
  MAX_TELEMETRY_BODY_BYTES,
  trpcContentTypeRefusal,
  withBodyLimit,
} from "./request-guard";

const URL_ = "http://localhost:3202/api/trpc/site.create";
const post = (headers: Record<string, string>, body?: BodyInit) =>
  new Request(URL_, {
    method: "POST",
    headers: { host: "localhost:3202", ...headers },
    body,
    duplex: "half",
  } as RequestInit);

describe("crossOriginRefusal", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.NEXTAUTH_URL;
    delete process.env.NEXTAUTH_URL;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = saved;
  });

  it("refuses a browser's state-changing request from another origin with 403 and the error shape", async () => {
    for (const origin of [
      "http://evil.example",
      "http://localhost:3202.evil.example",
      "null",
      "https://localhost:3202",
    ]) {
      const refusal = crossOriginRefusal(post({ origin }));
      expect(refusal?.status).toBe(403);
      expect(await refusal?.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    }
    expect(crossOriginRefusal(post({ "sec-fetch-site": "cross-site" }))?.status).toBe(403);
    expect(crossOriginRefusal(post({ "sec-fetch-site": "same-site" }))?.status).toBe(403);
  });

  it("lets this console's own pages, clients without Origin, and reads through", () => {
    expect(
      crossOriginRefusal(post({ origin: "http://localhost:3202", "sec-fetch-site": "same-origin" })),
    ).toBeNull();
    expect(crossOriginRefusal(post({ authorization: "Bearer syt_x" }))).toBeNull();
    expect(crossOriginRefusal(post({ "sec-fetch-site": "none" }))).toBeNull();
    expect(crossOriginRefusal(new Request(URL_, { headers: { origin: "http://evil.example" } }))).toBeNull();
  });

  it("accepts the public origin of NEXTAUTH_URL and the one a TLS proxy forwards", () => {
    process.env.NEXTAUTH_URL = "https://switchyard.example.com";
    expect(
      crossOriginRefusal(post({ origin: "https://switchyard.example.com", host: "10.0.0.4:3000" })),
    ).toBeNull();
    expect(
      crossOriginRefusal(
        post({
          origin: "https://console.internal",
          "x-forwarded-host": "console.internal",
          "x-forwarded-proto": "https",
        }),
      ),
    ).toBeNull();
  });
});

describe("trpcContentTypeRefusal", () => {
  it.each(["multipart/form-data; boundary=x", "text/plain", "application/x-www-form-urlencoded", ""])(
    "refuses %j with 415",
    (type) => {
      expect(trpcContentTypeRefusal(post(type ? { "content-type": type } : {}))?.status).toBe(415);
    },
  );
  it("accepts JSON", () => {
    expect(trpcContentTypeRefusal(post({ "content-type": "application/json; charset=utf-8" }))).toBeNull();
  });
});

describe("body limits", () => {
  it("gives catalog procedures room for a 5 MB file and everything else 1 MiB", () => {
    expect(bodyLimitFor("/api/trpc/catalog.import")).toBe(MAX_CATALOG_BODY_BYTES);
    expect(bodyLimitFor("/api/trpc/site.list,catalog.preview")).toBe(MAX_CATALOG_BODY_BYTES);
    expect(bodyLimitFor("/api/trpc/site.create")).toBe(MAX_BODY_BYTES);
    expect(bodyLimitFor("/api/v1/sites")).toBe(MAX_BODY_BYTES);
    expect(bodyLimitFor("/api/v1/agent/telemetry")).toBe(MAX_TELEMETRY_BODY_BYTES);
    expect(bodyLimitFor("/api/trpc/agent.telemetry")).toBe(MAX_TELEMETRY_BODY_BYTES);
    expect(bodyLimitFor("/api/v1/workloads/batch")).toBe(MAX_BATCH_SUBMIT_BODY_BYTES);
    expect(bodyLimitFor("/api/trpc/workload.submitBatch")).toBe(MAX_BATCH_SUBMIT_BODY_BYTES);
    expect(bodyLimitFor("/api/v1/workloads")).toBe(MAX_BODY_BYTES);
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const refusal = declaredBodyRefusal(
      post({ "content-length": String(MAX_BODY_BYTES + 1) }),
      MAX_BODY_BYTES,
    );
    expect(refusal?.status).toBe(413);
    expect(await refusal?.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(declaredBodyRefusal(post({ "content-length": "12" }), MAX_BODY_BYTES)).toBeNull();
  });

  it("counts a streamed body without Content-Length and stops reading at the limit", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const result = await withBodyLimit(post({}, endless), MAX_BODY_BYTES);
    expect(result).toBeInstanceOf(Response);
    expect((result as Response).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(MAX_BODY_BYTES / (64 * 1024) + 2);
  });

  it("hands a body under the limit on, readable as before", async () => {
    const result = await withBodyLimit(
      post({ "content-type": "application/json" }, '{"a":1}'),
      MAX_BODY_BYTES,
    );
    expect(result).toBeInstanceOf(Request);
    expect(await (result as Request).json()).toEqual({ a: 1 });
  });
});

describe("guardedApiRequest (the REST route's own checks; the proxy skips /api/v1)", () => {
  const REST = "http://localhost:3202/api/v1/workloads";
  const rest = (method: string, headers: Record<string, string>, url = REST) =>
    new Request(url, { method, headers: { host: "localhost:3202", ...headers } });
  const answered: Request[] = [];
  const handle = async (request: Request) => {
    answered.push(request);
    return Response.json({ ok: true }, { status: 201 });
  };
  afterEach(() => {
    answered.length = 0;
  });

  it("refuses a cross-origin change and an oversized declared body without calling the route", async () => {
    const forbidden = await guardedApiRequest(rest("POST", { origin: "https://evil.example" }), handle);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    const big = await guardedApiRequest(
      rest("POST", { "content-length": String(MAX_BODY_BYTES + 1) }),
      handle,
    );
    expect(big.status).toBe(413);
    // The batch route's own limit, not the default one.
    const batch = rest(
      "POST",
      { "content-length": String(MAX_BODY_BYTES + 1) },
      "http://localhost:3202/api/v1/workloads/batch",
    );
    const batchAnswer = await guardedApiRequest(batch, handle);
    expect(batchAnswer.status).toBe(201);
    expect(answered).toHaveLength(1);
    for (const response of [forbidden, big])
      expect(response.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
  });

  it("hands the rest on and puts the API's headers on the answer (HSTS only behind TLS)", async () => {
    const plain = await guardedApiRequest(rest("GET", {}), handle);
    expect(plain.status).toBe(201);
    expect(await plain.json()).toEqual({ ok: true });
    expect(plain.headers.get("x-frame-options")).toBe("DENY");
    expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
    expect(plain.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    const tls = await guardedApiRequest(rest("GET", { "x-forwarded-proto": "https" }), handle);
    expect(tls.headers.get("strict-transport-security")).toMatch(/^max-age=31536000/);
    // A response whose headers cannot change (one fetched from elsewhere) is copied, not refused.
    const frozen = await guardedApiRequest(rest("GET", {}), async () =>
      Response.redirect("http://localhost/x", 302),
    );
    expect(frozen.status).toBe(302);
    expect(frozen.headers.get("x-frame-options")).toBe("DENY");
    expect(frozen.headers.get("location")).toBe("http://localhost/x");
  });
});

import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { getMetricsFromStream, type PromMetrics } from "prom2javascript";
import { expect, test } from "./fixtures";

// The token playwright.config.ts gives every e2e server.
const TOKEN = process.env.SWITCHYARD_METRICS_TOKEN ?? "";

type TSample = { labels: Record<string, string>; value: number };

async function scrape(baseURL: string): Promise<PromMetrics> {
  const response = await fetch(`${baseURL}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return getMetricsFromStream(Readable.from([await response.text()]));
}

const series = (metrics: PromMetrics, name: string) => (metrics[name]?.data ?? []) as TSample[];
const requestsTo = (metrics: PromMetrics, route: string, status: string) =>
  series(metrics, "switchyard_http_requests_total")
    .filter((s) => s.labels.route === route && s.labels.status === status)
    .reduce((sum, s) => sum + s.value, 0);

test("/api/metrics refuses a scrape without the token, with a plain 401", async ({ baseURL }) => {
  for (const authorization of [undefined, "Bearer not-the-token", `Basic ${TOKEN}`]) {
    const response = await fetch(`${baseURL}/api/metrics`, {
      headers: authorization ? { authorization } : {},
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toMatch(/^(Send the metrics token|This metrics token is not valid)/);
  }
});

test("one process counts requests of every route (each its own bundle) in one registry, and serves the estate", async ({
  baseURL,
  server,
}) => {
  const before = await scrape(baseURL ?? "");
  // Three routes, three Next.js bundles: REST, health, and the metrics route itself.
  const rest = await fetch(`${baseURL}/api/v1/sites`, {
    headers: { authorization: "Bearer sy_nope", "x-request-id": "e2e-operations-1" },
  });
  expect(rest.status).toBe(401);
  expect(rest.headers.get("x-request-id")).toBe("e2e-operations-1");
  const health = await fetch(`${baseURL}/api/health`, { headers: { "x-request-id": "e2e-operations-2" } });
  expect(health.headers.get("x-request-id")).toBe("e2e-operations-2");
  const after = await scrape(baseURL ?? "");

  expect(requestsTo(after, "/api/v1/sites", "401") - requestsTo(before, "/api/v1/sites", "401")).toBe(1);
  expect(requestsTo(after, "/api/health", "200") - requestsTo(before, "/api/health", "200")).toBe(1);
  expect(requestsTo(after, "/api/metrics", "200")).toBeGreaterThanOrEqual(1);
  // The demo estate, read from the database at scrape time.
  expect(series(after, "switchyard_estate_read_success")[0]?.value).toBe(1);
  const gpus = series(after, "switchyard_gpus_total");
  expect(gpus.length).toBeGreaterThan(5);
  expect(gpus.every((s) => s.labels.site && s.labels.kind && s.labels.model && s.value > 0)).toBe(true);
  expect(
    series(after, "switchyard_workloads").find((s) => s.labels.state === "RUNNING")?.value,
  ).toBeGreaterThan(0);

  // The server's log: JSON lines, the REST request's under the id it was sent with.
  const linesOf = (requestId: string) =>
    readFileSync(server.logFile, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.requestId === requestId);
  await expect
    .poll(() => linesOf("e2e-operations-1").find((line) => line.msg === "request"))
    .toMatchObject({
      level: "info",
      method: "GET",
      route: "/api/v1/sites",
      status: 401,
    });
  expect(linesOf("e2e-operations-1").filter((line) => line.level === "error")).toEqual([]);
});

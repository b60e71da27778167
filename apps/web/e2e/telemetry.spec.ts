import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/**
 * GPU telemetry end to end: an agent token (made by a platform engineer) registers a node and
 * sends known samples through the agent's REST operations, as apps/agent does; the node page
 * shows the agent's facts, and its per-GPU averages and maxima match both the samples sent
 * and what the database aggregates (node.telemetry). The 7-day range reads the 5-minute
 * rollups the console's loop writes, and must agree too.
 */
const nonce = Date.now().toString(36);
const hostname = `e2e-agent-${nonce}`;

type TSample = {
  gpuIndex: number;
  at: string;
  utilizationPct: number;
  memoryUsedMib: number;
  powerW: number;
  temperatureC: number;
};

function knownSamples(now: number): TSample[] {
  return Array.from({ length: 60 }, (_, i) => ({
    gpuIndex: i % 2,
    at: new Date(now - 60_000 - Math.floor(i / 2) * 80_000).toISOString(),
    utilizationPct: (i * 37) % 101,
    memoryUsedMib: 20_000 + ((i * 7919) % 100_000),
    powerW: 150 + ((i * 13) % 500) + 0.5,
    temperatureC: 35 + (i % 30),
  }));
}

const fmt = (value: number, digits: number, unit: string) =>
  `${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;

function expectedCells(samples: TSample[], gpuIndex: number) {
  const mine = samples.filter((s) => s.gpuIndex === gpuIndex);
  const cell = (pick: (s: TSample) => number, digits: number, unit: string) => {
    const values = mine.map(pick);
    const avg = values.reduce((a, b) => a + b, 0) / values.length;
    return `${fmt(avg, digits, unit)} / ${fmt(Math.max(...values), digits, unit)}`;
  };
  return {
    utilization: cell((s) => s.utilizationPct, 1, "%"),
    memory: cell((s) => s.memoryUsedMib, 0, "MiB"),
    power: cell((s) => s.powerW, 1, "W"),
    temperature: cell((s) => s.temperatureC, 1, "°C"),
    samples: String(mine.length),
  };
}

async function agentPost(request: APIRequestContext, token: string, path: string, data: unknown) {
  const response = await request.post(`/api/v1/agent/${path}`, {
    headers: { authorization: `Bearer ${token}` },
    data,
  });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

test("known samples sent by an agent show on the node page as the database aggregates them", async ({
  page,
  playwright,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await signInAs(page, "platform@switchyard.demo");
  const created = await page.request.post("/api/trpc/token.createAgent", {
    headers: { "content-type": "application/json" },
    data: { json: { name: `e2e agent ${nonce}`, siteId: "site-dc-ashburn" } },
  });
  expect(created.status(), await created.text()).toBe(200);
  const token = (await created.json()).result.data.json.secret as string;

  // A fresh context: the agent has its token, not the engineer's session.
  const agent = await playwright.request.newContext({ baseURL });
  const gpu = { name: "NVIDIA H200", memoryTotalMib: 143771, migMode: "Disabled" };
  const node = await agentPost(agent, token, "register", {
    hostname,
    gpus: [0, 1].map((index) => ({ ...gpu, index, uuid: `GPU-e2e-${nonce}-${index}` })),
    driverVersion: "580.159.04",
    cudaVersion: "13.0",
    agentVersion: "0.1.0",
  });
  await agentPost(agent, token, "heartbeat", { hostname });
  const samples = knownSamples(Date.now());
  expect(await agentPost(agent, token, "telemetry", { hostname, samples })).toMatchObject({
    accepted: 60,
    duplicates: 0,
  });
  await agent.dispose();

  await page.goto(`/nodes/${node.id}`);
  await expect(page.getByRole("heading", { name: hostname })).toBeVisible();
  await expect(page.getByTestId("node-driver")).toHaveText("580.159.04");
  await expect(page.getByTestId("node-cuda")).toHaveText("13.0");
  await expect(page.getByTestId("node-mig")).toHaveText("Disabled");
  await expect(page.getByTestId("node-agent-version")).toHaveText("switchyard-agent 0.1.0");
  await expect(page.getByText("2 × H200 at Ashburn", { exact: false })).toBeVisible();

  // What the database aggregates for the same range, through the console's own query.
  const to = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
  const input = encodeURIComponent(
    JSON.stringify({
      json: { id: node.id, from: new Date(to.getTime() - 86_400_000), to },
      meta: { values: { from: ["Date"], to: ["Date"] } },
    }),
  );
  const fromDb = await page.request.get(`/api/trpc/node.telemetry?input=${input}`);
  expect(fromDb.status(), await fromDb.text()).toBe(200);
  const history = (await fromDb.json()).result.data.json as {
    source: string;
    gpus: { gpuIndex: number; points: { samples: number; utilizationMax: number }[] }[];
  };
  expect(history.source).toBe("raw");
  expect(history.gpus.map((g) => g.points.reduce((n, p) => n + p.samples, 0))).toEqual([30, 30]);

  await expect(page.getByTestId("telemetry-source")).toContainText("samples");
  for (const gpuIndex of [0, 1]) {
    const row = page.getByTestId(`telemetry-gpu-${gpuIndex}`);
    const want = expectedCells(samples, gpuIndex);
    await expect(row.getByTestId("telemetry-utilization")).toHaveText(want.utilization);
    await expect(row.getByTestId("telemetry-memory")).toHaveText(want.memory);
    await expect(row.getByTestId("telemetry-power")).toHaveText(want.power);
    await expect(row.getByTestId("telemetry-temperature")).toHaveText(want.temperature);
    await expect(row.getByTestId("telemetry-samples")).toHaveText(want.samples);
    const dbMax = Math.max(...(history.gpus[gpuIndex]?.points.map((p) => p.utilizationMax) ?? []));
    expect(want.utilization.endsWith(fmt(dbMax, 1, "%"))).toBe(true);
  }
  await expect(page.getByTestId("telemetry-chart-power").locator(".recharts-line")).toHaveCount(2);

  // 7 days: the 5-minute rollups, written by the loop within seconds, give the same figures.
  await page.getByRole("button", { name: "7 d" }).click();
  await expect(async () => {
    await page.reload();
    await page.getByRole("button", { name: "7 d" }).click();
    await expect(page.getByTestId("telemetry-source")).toContainText("5m rollups", { timeout: 2_000 });
    await expect(page.getByTestId("telemetry-gpu-1").getByTestId("telemetry-samples")).toHaveText("30", {
      timeout: 2_000,
    });
  }).toPass({ timeout: 60_000 });
  const want = expectedCells(samples, 1);
  await expect(page.getByTestId("telemetry-gpu-1").getByTestId("telemetry-utilization")).toHaveText(
    want.utilization,
  );
  await expect(page.getByTestId("telemetry-gpu-1").getByTestId("telemetry-power")).toHaveText(want.power);
});

test("a node no agent reports shows a designed empty state", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/nodes/node-dc-stockholm-a100-80gb-012");
  await expect(page.getByTestId("telemetry-empty")).toContainText("No telemetry in the last 24 h");
  await page.getByRole("button", { name: "30 d" }).click();
  await expect(page.getByTestId("telemetry-empty")).toContainText("No telemetry in the last 30 d");
});

import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { resolveApiToken } from "../src/auth/tokens.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import type { TGpuSample } from "../src/router/agent/agent.schema.ts";
import type { TAgentContext } from "../src/telemetry/agent-nodes.ts";
import { ingestTelemetry } from "../src/telemetry/ingest.ts";
import { pruneTelemetry, runTelemetryTick } from "../src/telemetry/rollup.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const SITE = "site-dc-ashburn";
const OTHER_SITE = "site-dc-frankfurt";
const H200 = { uuid: "GPU-42dd91a9", name: "NVIDIA H200", memoryTotalMib: 143771, migMode: "Disabled" };
const REGISTER = {
  hostname: "agent-h200-01",
  gpus: [0, 1].map((index) => ({ ...H200, index, uuid: `${H200.uuid}-${index}` })),
  driverVersion: "580.159.04",
  cudaVersion: "13.0",
  agentVersion: "0.1.0",
};
const MINUTE = 60_000;

describeEachDb("node agent and GPU telemetry", (kind) => {
  let t: TTestDb;
  let agent: TSessionUser;
  let secret: string;
  let otherAgent: TSessionUser;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  const agentContext = (): TAgentContext => ({
    prisma: t.db.prisma,
    user: agent,
    requestId: "test",
    agent: { tokenId: agent.token?.id ?? "", siteId: SITE },
  });

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const platform = as(USERS.platform);
    secret = (await platform.token.createAgent({ name: "ashburn-agent", siteId: SITE })).secret;
    agent = await resolveApiToken(t.db.prisma, secret);
    const other = (await platform.token.createAgent({ name: "frankfurt-agent", siteId: OTHER_SITE })).secret;
    otherAgent = await resolveApiToken(t.db.prisma, other);
  });
  afterAll(() => t.cleanup());

  it("registers the node at the token's site with the catalog model, then updates it", async () => {
    const created = await as(agent).agent.register(REGISTER);
    expect(created).toMatchObject({ created: true, status: "READY", gpuModel: "H200", gpuCount: 2 });
    const node = await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: created.id } });
    expect(node).toMatchObject({
      siteId: SITE,
      hostname: "agent-h200-01",
      gpuModel: "H200",
      gpuCount: 2,
      gpuMemoryGib: 141,
      driverVersion: "580.159.04",
      cudaVersion: "13.0",
      migMode: "Disabled",
      fabric: "agent-h200-01",
      interconnect: "NVLink 4",
    });
    expect(node.lastHeartbeatAt).not.toBeNull();

    const updated = await as(agent).agent.register({ ...REGISTER, driverVersion: "580.200.01" });
    expect(updated).toMatchObject({ id: created.id, created: false });
    expect(
      await t.db.prisma.auditEvent.count({ where: { objectId: created.id, action: "node.register" } }),
    ).toBe(2);
    // Agent reports are not audited as token uses (heartbeats would flood the log).
    expect(
      await t.db.prisma.auditEvent.count({ where: { action: "apiToken.use", objectId: agent.token?.id } }),
    ).toBe(0);
  });

  it("refuses what is not an agent's to report, in words", async () => {
    const session = await errorOf(as(USERS.platform).agent.heartbeat({ hostname: "agent-h200-01" }));
    expect(session).toMatchObject({ code: "FORBIDDEN" });
    expect(session.message).toContain("agent token");

    const foreign = await errorOf(as(otherAgent).agent.heartbeat({ hostname: "agent-h200-01" }));
    expect(foreign).toMatchObject({ code: "FORBIDDEN", fields: ["hostname"] });
    expect(foreign.message).toBe(
      "agent-h200-01 belongs to site dc-ashburn; this agent token reports for another site's nodes only. Use a token of dc-ashburn.",
    );
    expect((await errorOf(as(otherAgent).agent.register(REGISTER))).code).toBe("FORBIDDEN");
    const missing = await errorOf(as(agent).agent.heartbeat({ hostname: "never-registered" }));
    expect(missing).toMatchObject({ code: "NOT_FOUND", fields: ["hostname"] });

    const unknownGpu = await errorOf(
      as(agent).agent.register({ ...REGISTER, gpus: [{ ...H200, index: 0, name: "Matrox G200" }] }),
    );
    expect(unknownGpu).toMatchObject({ code: "BAD_REQUEST", fields: ["gpus[0].name"] });
  });

  it("a node whose agent stops heartbeating goes DOWN through the loop, and its heartbeat brings it back", async () => {
    const node = await t.db.prisma.gpuNode.findFirstOrThrow({ where: { hostname: "agent-h200-01" } });
    // Only this node takes part: the demo's nodes keep no heartbeat the loop could judge.
    await t.db.prisma.gpuNode.updateMany({
      where: { id: { not: node.id } },
      data: { lastHeartbeatAt: null },
    });
    const beat = await as(agent).agent.heartbeat({ hostname: "agent-h200-01" });
    expect(beat).toMatchObject({ id: node.id, status: "READY" });

    const alive = await runReconcileTick(t.db.prisma, { holder: "test", silenceSeconds: 3_600 });
    expect(alive.nodesDown).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const silent = await runReconcileTick(t.db.prisma, { holder: "test", silenceSeconds: 1 });
    expect(silent.nodesDown).toEqual([node.id]);
    expect((await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: node.id } })).status).toBe("DOWN");

    expect(await as(agent).agent.heartbeat({ hostname: "agent-h200-01" })).toMatchObject({ status: "READY" });
    expect(await t.db.prisma.auditEvent.count({ where: { objectId: node.id, action: "node.up" } })).toBe(1);
  });

  it("refuses a batch with one bad sample whole, naming the sample and field", async () => {
    const now = Date.now();
    const samples = Array.from({ length: 200 }, (_, i) => sample(i % 2, new Date(now - i * 1_000), i));
    const bad = structuredClone(samples) as unknown as Record<string, unknown>[];
    (bad[123] as Record<string, unknown>).powerW = -5;
    (bad[150] as Record<string, unknown>).temperatureC = "hot";
    const error = await errorOf(
      as(agent).agent.telemetry({ hostname: "agent-h200-01", samples: bad as never }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["samples[123].powerW"] });
    expect(error.message).toBe(
      "samples[123].powerW: Power cannot be negative. The batch was refused whole; nothing was stored.",
    );
    const outOfRange = await errorOf(
      as(agent).agent.telemetry({ hostname: "agent-h200-01", samples: [sample(2, new Date(now), 0)] }),
    );
    expect(outOfRange.fields).toEqual(["samples[0].gpuIndex"]);
    const future = await errorOf(
      as(agent).agent.telemetry({
        hostname: "agent-h200-01",
        samples: [sample(0, new Date(now + 10 * MINUTE), 0)],
      }),
    );
    expect(future.fields).toEqual(["samples[0].at"]);
    expect(await t.db.prisma.gpuSample.count()).toBe(0);
  });

  it("takes 10,000 samples in one REST request, and a resend as duplicates", async () => {
    const now = Date.now();
    const samples = Array.from({ length: 10_000 }, (_, i) =>
      sample(i % 2, new Date(now - Math.floor(i / 2) * 5_000), i),
    );
    const send = async () => {
      const response = await handleRestRequest(
        new Request("http://localhost/api/v1/agent/telemetry", {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ hostname: "agent-h200-01", samples }),
        }),
        { prisma: t.db.prisma, resolveUser: async () => agent, rateLimit: { limit: 0, windowSeconds: 60 } },
      );
      return { status: response.status, body: await response.json() };
    };
    expect(await send()).toMatchObject({ status: 200, body: { accepted: 10_000, duplicates: 0, tooOld: 0 } });
    expect(await send()).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 10_000 } });
    expect(await t.db.prisma.gpuSample.count()).toBe(10_000);

    const bad = samples.map((s, i) => (i === 9_999 ? { ...s, utilizationPct: 101 } : s));
    const response = await handleRestRequest(
      new Request("http://localhost/api/v1/agent/telemetry", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ hostname: "agent-h200-01", samples: bad }),
      }),
      { prisma: t.db.prisma, resolveUser: async () => agent, rateLimit: { limit: 0, windowSeconds: 60 } },
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { fieldErrors: unknown } }).error.fieldErrors).toEqual({
      "samples[9999].utilizationPct": [
        "samples[9999].utilizationPct: Utilisation is at most 100. The batch was refused whole; nothing was stored.",
      ],
    });
  });

  it("rolls raw samples up into 5-minute and hourly buckets exactly, idempotently", async () => {
    await t.db.prisma.gpuSample.deleteMany();
    // On the hour (buckets align) and near the real clock: node.telemetry below reads "now" itself.
    const now = new Date(Math.floor(Date.now() / (60 * MINUTE)) * 60 * MINUTE);
    // Two and a half hours of samples every 40 s on both GPUs, with values that vary.
    const samples: TGpuSample[] = [];
    for (let s = 0; s < 225; s++) {
      for (const gpu of [0, 1])
        samples.push(sample(gpu, new Date(now.getTime() - 150 * MINUTE + s * 40_000), s * 7 + gpu));
    }
    samples[17] = { ...samples[17], powerW: null } as TGpuSample;
    await ingestTelemetry(agentContext(), { hostname: "agent-h200-01", samples }, now);
    const tick = await runTelemetryTick(t.db.prisma, { holder: "test", now });
    expect(tick.ran).toBe(true);

    const nodeId = (await t.db.prisma.gpuNode.findFirstOrThrow({ where: { hostname: "agent-h200-01" } })).id;
    for (const [table, width] of [
      ["5m", 5 * MINUTE],
      ["1h", 60 * MINUTE],
    ] as const) {
      const expected = expectedRollup(samples, width);
      const rows =
        table === "5m"
          ? await t.db.prisma.gpuSample5m.findMany({
              where: { nodeId },
              orderBy: [{ gpuIndex: "asc" }, { bucket: "asc" }],
            })
          : await t.db.prisma.gpuSample1h.findMany({
              where: { nodeId },
              orderBy: [{ gpuIndex: "asc" }, { bucket: "asc" }],
            });
      expect(rows.map((r) => `${r.gpuIndex}@${r.bucket.toISOString()}`)).toEqual([...expected.keys()]);
      for (const row of rows) {
        const want = expected.get(`${row.gpuIndex}@${row.bucket.toISOString()}`);
        expect(row.samples).toBe(want?.samples);
        expect(row.utilizationAvg).toBeCloseTo(want?.utilizationAvg ?? Number.NaN, 9);
        expect(row.utilizationMax).toBe(want?.utilizationMax);
        expect(row.memoryUsedAvg).toBeCloseTo(want?.memoryUsedAvg ?? Number.NaN, 9);
        expect(row.memoryUsedMax).toBe(want?.memoryUsedMax);
        expect(row.powerAvg).toBeCloseTo(want?.powerAvg ?? Number.NaN, 9);
        expect(row.powerMax).toBe(want?.powerMax);
        expect(row.temperatureMax).toBe(want?.temperatureMax);
        expect(row.eccErrorsMax).toBe(want?.eccErrorsMax);
      }
    }
    const before = await t.db.prisma.gpuSample5m.findMany({
      orderBy: [{ gpuIndex: "asc" }, { bucket: "asc" }],
    });
    // A late sample (an agent's buffer) is counted into its bucket on the next pass.
    const late = sample(0, new Date(now.getTime() - 100 * MINUTE + 1_000), 999);
    const later = new Date(now.getTime() + MINUTE);
    await ingestTelemetry(agentContext(), { hostname: "agent-h200-01", samples: [late] }, later);
    await runTelemetryTick(t.db.prisma, { holder: "test", now: later });
    await runTelemetryTick(t.db.prisma, { holder: "test", now: later });
    const after = await t.db.prisma.gpuSample5m.findMany({
      orderBy: [{ gpuIndex: "asc" }, { bucket: "asc" }],
    });
    const withLate = expectedRollup([...samples, late], 5 * MINUTE);
    expect(after.length).toBe(before.length);
    for (const row of after) {
      expect(row.samples).toBe(withLate.get(`${row.gpuIndex}@${row.bucket.toISOString()}`)?.samples);
    }

    const history = await as(USERS.viewer).node.telemetry({
      id: nodeId,
      from: new Date(now.getTime() - 12 * 60 * MINUTE),
      to: now,
    });
    expect(history.source).toBe("raw");
    expect(history.gpus.map((g) => g.gpuIndex)).toEqual([0, 1]);
    const gpu0 = history.gpus[0]?.points ?? [];
    expect(gpu0.reduce((n, p) => n + p.samples, 0)).toBe(226);
  });

  it("prunes exactly what is past each retention", async () => {
    const now = new Date("2026-12-03T12:00:00.000Z");
    const nodeId = (await t.db.prisma.gpuNode.findFirstOrThrow({ where: { hostname: "agent-h200-01" } })).id;
    await t.db.prisma.gpuSample.deleteMany();
    await t.db.prisma.gpuSample5m.deleteMany();
    await t.db.prisma.gpuSample1h.deleteMany();
    const DAY = 24 * 60 * MINUTE;
    const rawAges = [DAY + 1, DAY, DAY - 1, MINUTE];
    await t.db.prisma.gpuSample.createMany({
      data: rawAges.map((age) => ({
        nodeId,
        gpuIndex: 0,
        at: new Date(now.getTime() - age),
        receivedAt: now,
        utilizationPct: 1,
        memoryUsedMib: 1,
      })),
    });
    const rollup = (age: number) => ({
      nodeId,
      gpuIndex: 0,
      bucket: new Date(now.getTime() - age),
      samples: 1,
      utilizationAvg: 1,
      utilizationMax: 1,
      memoryUsedAvg: 1,
      memoryUsedMax: 1,
    });
    await t.db.prisma.gpuSample5m.createMany({ data: [30 * DAY + 1, 30 * DAY, DAY].map(rollup) });
    await t.db.prisma.gpuSample1h.createMany({ data: [365 * DAY + 1, 365 * DAY, 40 * DAY].map(rollup) });

    expect(await pruneTelemetry(t.db.prisma, now)).toEqual({ raw: 1, "5m": 1, "1h": 1 });
    const ages = async (rows: Promise<{ at?: Date; bucket?: Date }[]>) =>
      (await rows).map((r) => now.getTime() - ((r.at ?? r.bucket) as Date).getTime()).sort((a, b) => b - a);
    expect(await ages(t.db.prisma.gpuSample.findMany())).toEqual([DAY, DAY - 1, MINUTE]);
    expect(await ages(t.db.prisma.gpuSample5m.findMany())).toEqual([30 * DAY, DAY]);
    expect(await ages(t.db.prisma.gpuSample1h.findMany())).toEqual([365 * DAY, 40 * DAY]);
  });
});

/** A sample whose values follow from `seed`, so expectations can be computed from it. */
function sample(gpuIndex: number, at: Date, seed: number): TGpuSample {
  return {
    gpuIndex,
    at,
    utilizationPct: (seed * 37) % 101,
    memoryUsedMib: 1_000 + ((seed * 7919) % 140_000),
    powerW: 100 + ((seed * 13) % 600) + 0.25,
    temperatureC: 30 + (seed % 50),
    eccErrors: Math.floor(seed / 100),
    xidErrors: null,
  };
}

/** Average and maximum per GPU and bucket, computed here from the samples themselves. */
function expectedRollup(samples: TGpuSample[], widthMs: number) {
  const groups = new Map<string, TGpuSample[]>();
  for (const s of samples) {
    const bucket = new Date(Math.floor(s.at.getTime() / widthMs) * widthMs).toISOString();
    const key = `${s.gpuIndex}@${bucket}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const avg = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  return new Map(
    sorted.map(([key, group]) => {
      const power = group.flatMap((s) => (s.powerW == null ? [] : [s.powerW]));
      return [
        key,
        {
          samples: group.length,
          utilizationAvg: avg(group.map((s) => s.utilizationPct)),
          utilizationMax: Math.max(...group.map((s) => s.utilizationPct)),
          memoryUsedAvg: avg(group.map((s) => s.memoryUsedMib)),
          memoryUsedMax: Math.max(...group.map((s) => s.memoryUsedMib)),
          powerAvg: avg(power),
          powerMax: Math.max(...power),
          temperatureMax: Math.max(...group.map((s) => s.temperatureC ?? 0)),
          eccErrorsMax: Math.max(...group.map((s) => s.eccErrors ?? 0)),
        },
      ];
    }),
  );
}

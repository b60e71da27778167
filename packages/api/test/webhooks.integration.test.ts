import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { auditedTransaction } from "../src/lib/audited.ts";
import { runWebhookDeliveryTick } from "../src/loops/index.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { runWebhookDeliveryTick as tick } from "../src/webhooks/deliver.ts";
import { enqueueWebhookEvent, type TWebhookEvent } from "../src/webhooks/outbox.ts";
import { WEBHOOK_MAX_ATTEMPTS } from "../src/webhooks/retry.ts";
import { verifyWebhookSignature } from "../src/webhooks/signature.ts";
import { transitionWorkload } from "../src/workloads/transitions.ts";
import { errorOf, USERS } from "./helpers.ts";
import { closedPortUrl, startReceiver, type TReceived } from "./webhook-receiver.ts";

const createCaller = createCallerFactory(appRouter);
const HOLDER = "test-holder";

// The receiver runs on this machine: the operator setting that lets webhooks reach loopback.
// The default (nothing allowed but public addresses) is tested in webhook-security.
process.env.SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS = "127.0.0.0/8";

type TReceiver = Awaited<ReturnType<typeof startReceiver>>;

describeEachDb("webhooks", (kind) => {
  let t: TTestDb;
  let receiver: TReceiver;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  const admin = () => as(USERS.admin);
  const deliver = (options: { now?: Date; limit?: number; timeoutMs?: number } = {}) =>
    tick(t.db.prisma, { holder: HOLDER, ...options });
  const enqueue = (event: TWebhookEvent, data: Record<string, unknown> = { n: 1 }) =>
    t.db.prisma.$transaction((tx) => enqueueWebhookEvent(tx, event, data));
  const createHook = async (input: {
    name?: string;
    events?: TWebhookEvent[];
    enabled?: boolean;
    url?: string;
  }) =>
    admin().webhook.create({
      name: input.name ?? `hook-${Math.random().toString(36).slice(2, 8)}`,
      url: input.url ?? receiver.url,
      events: input.events ?? [],
      enabled: input.enabled ?? true,
    });
  const deliveriesOf = (webhookId: string) =>
    t.db.prisma.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: "asc" } });
  const isSigned = (request: TReceived, secret: string) =>
    verifyWebhookSignature(
      secret,
      request.headers["x-switchyard-timestamp"] as string,
      request.body,
      request.headers["x-switchyard-signature"] as string,
    );

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.cleanup();
  });
  beforeEach(async () => {
    receiver.reset();
    await t.db.prisma.webhook.deleteMany();
  });

  it("is exported next to the reconcile loop", () => {
    expect(runWebhookDeliveryTick).toBe(tick);
  });

  it("delivers a workload state change, signed, with the documented headers and payload", async () => {
    const { webhook, secret } = await createHook({ events: ["workload.state_changed"] });
    await admin().workload.transition({ id: "workload-code-model-sft", to: "SUCCEEDED", reason: "done" });
    const [queued] = await deliveriesOf(webhook.id);
    expect(queued).toMatchObject({ event: "workload.state_changed", status: "PENDING", attempts: 0 });

    expect(await deliver()).toEqual({ claimed: 1, succeeded: 1, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received as [TReceived];
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Switchyard-Webhooks/1",
      "x-switchyard-event": "workload.state_changed",
      "x-switchyard-delivery": queued?.id,
    });
    expect(request.headers["x-switchyard-timestamp"]).toMatch(/^\d{10}$/);
    expect(request.headers["x-switchyard-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(isSigned(request, secret)).toBe(true);
    expect(isSigned(request, `${secret}x`)).toBe(false);
    expect(JSON.parse(request.body)).toEqual({
      id: queued?.id,
      type: "workload.state_changed",
      occurredAt: expect.any(String),
      data: { workloadId: "workload-code-model-sft", from: "RUNNING", to: "SUCCEEDED", reason: "done" },
    });

    const [done] = await deliveriesOf(webhook.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastStatusCode: 200, lastError: null });
    expect(done?.deliveredAt).toBeInstanceOf(Date);
    // Nothing is sent twice.
    expect(await deliver()).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it("sends each webhook only the events it subscribes to, and nothing to a disabled one", async () => {
    const approvals = await createHook({ events: ["approval.requested", "approval.decided"] });
    const everything = await createHook({ events: [] });
    const disabled = await createHook({ events: [], enabled: false });

    expect(await enqueue("workload.state_changed")).toBe(1);
    expect(await enqueue("approval.requested")).toBe(2);
    const events = async (id: string) => (await deliveriesOf(id)).map((d) => d.event);
    expect(await events(approvals.webhook.id)).toEqual(["approval.requested"]);
    expect(await events(everything.webhook.id)).toEqual(["workload.state_changed", "approval.requested"]);
    expect(await events(disabled.webhook.id)).toEqual([]);

    await deliver();
    expect(receiver.received.map((r) => r.headers["x-switchyard-event"]).sort()).toEqual([
      "approval.requested",
      "approval.requested",
      "workload.state_changed",
    ]);
  });

  it("holds the deliveries of a webhook while it is disabled and sends them once enabled", async () => {
    const { webhook } = await createHook({});
    await enqueue("approval.decided");
    await admin().webhook.update({ id: webhook.id, enabled: false });
    expect(await deliver()).toMatchObject({ claimed: 0 });
    await admin().webhook.update({ id: webhook.id, enabled: true });
    expect(await deliver()).toMatchObject({ claimed: 1, succeeded: 1 });
  });

  it("queues nothing when the change's transaction rolls back", async () => {
    await createHook({});
    const ctx = { prisma: t.db.prisma, user: USERS.admin, requestId: "rollback" };
    await expect(
      auditedTransaction(ctx, async (tx, audit) => {
        await transitionWorkload(tx, audit, {
          workloadId: "workload-pretrain-70b",
          to: "FAILED",
          actorId: USERS.admin.id,
          reason: "about to roll back",
          now: new Date(),
        });
        throw new Error("something later in the transaction failed");
      }),
    ).rejects.toThrow("something later");
    expect(await t.db.prisma.webhookDelivery.count()).toBe(0);
    expect((await t.db.prisma.workload.findUnique({ where: { id: "workload-pretrain-70b" } }))?.state).toBe(
      "RUNNING",
    );
  });

  it("retries a failed attempt after the backoff and succeeds on the second", async () => {
    const { webhook, secret } = await createHook({});
    receiver.answer((_request, index) =>
      index === 0 ? { status: 500, body: "database is down\n  try later" } : { status: 200 },
    );
    await enqueue("approval.requested");
    expect(await deliver()).toMatchObject({ claimed: 1, retrying: 1 });
    const [failed] = await deliveriesOf(webhook.id);
    expect(failed).toMatchObject({
      status: "PENDING",
      attempts: 1,
      lastStatusCode: 500,
      // The status line only: a receiver's body never reaches the delivery log.
      lastError: "HTTP 500 Internal Server Error",
    });
    const waitMs = (failed?.nextAttemptAt.getTime() ?? 0) - (failed?.lastAttemptAt?.getTime() ?? 0);
    expect(waitMs).toBe(30_000);

    // Not due yet: nothing is sent.
    expect(await deliver()).toMatchObject({ claimed: 0 });
    expect(await deliver({ now: new Date((failed?.nextAttemptAt.getTime() ?? 0) + 1) })).toMatchObject({
      claimed: 1,
      succeeded: 1,
    });
    const [done] = await deliveriesOf(webhook.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 2, lastStatusCode: 200, lastError: null });
    expect(receiver.received).toHaveLength(2);
    // Both attempts carry the same delivery id; each is signed on its own.
    expect(new Set(receiver.received.map((r) => r.headers["x-switchyard-delivery"]))).toEqual(
      new Set([done?.id]),
    );
    expect(
      receiver.received.every((r) =>
        verifyWebhookSignature(
          secret,
          r.headers["x-switchyard-timestamp"] as string,
          r.body,
          r.headers["x-switchyard-signature"] as string,
          { toleranceSeconds: 3_600 },
        ),
      ),
    ).toBe(true);
  });

  it("honours a receiver's Retry-After when it asks for a longer wait", async () => {
    const { webhook } = await createHook({});
    receiver.answer(() => ({ status: 429, headers: { "retry-after": "600" } }));
    await enqueue("approval.requested");
    await deliver();
    const [delivery] = await deliveriesOf(webhook.id);
    expect((delivery?.nextAttemptAt.getTime() ?? 0) - (delivery?.lastAttemptAt?.getTime() ?? 0)).toBe(
      600_000,
    );
    expect(delivery?.lastStatusCode).toBe(429);
  });

  it("gives up after the last attempt, backing off exponentially, and audits the failure", async () => {
    const { webhook } = await createHook({});
    receiver.answer(() => ({ status: 503 }));
    await enqueue("approval.decided");
    const waits: number[] = [];
    let now = new Date();
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      const report = await deliver({ now });
      expect(report.claimed).toBe(1);
      const [delivery] = await deliveriesOf(webhook.id);
      if (!delivery) throw new Error("delivery vanished");
      expect(delivery.attempts).toBe(attempt);
      if (delivery.status === "PENDING") {
        waits.push((delivery.nextAttemptAt.getTime() - now.getTime()) / 1_000);
        now = new Date(delivery.nextAttemptAt.getTime());
      }
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600]);
    const [failed] = await deliveriesOf(webhook.id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: WEBHOOK_MAX_ATTEMPTS, lastStatusCode: 503 });
    expect(receiver.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(await deliver({ now: new Date(now.getTime() + 86_400_000) })).toMatchObject({ claimed: 0 });

    const audit = await t.db.prisma.auditEvent.findMany({ where: { objectId: failed?.id } });
    expect(audit).toMatchObject([
      { action: "webhook.delivery.failed", actorLabel: "system:webhooks", objectType: "WebhookDelivery" },
    ]);
  });

  it("records a timeout and a refused connection as the attempt's error", async () => {
    const slow = await createHook({ name: "slow receiver" });
    const gone = await createHook({ name: "gone receiver", url: await closedPortUrl() });
    receiver.answer(() => ({ status: 200, delayMs: 2_000 }));
    await enqueue("approval.requested");
    expect(await deliver({ timeoutMs: 300 })).toMatchObject({ claimed: 2, retrying: 2 });
    const [timedOut] = await deliveriesOf(slow.webhook.id);
    expect(timedOut).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: null });
    expect(timedOut?.lastError).toBe("no response within 0.3 s");
    const [refused] = await deliveriesOf(gone.webhook.id);
    expect(refused).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: null });
    expect(refused?.lastError).toMatch(/^connection refused \(127\.0\.0\.1:\d+\)$/);
  });

  it("never sends a delivery twice when several processes tick at once", async () => {
    const { webhook } = await createHook({});
    receiver.answer(() => ({ status: 200, delayMs: 50 }));
    for (let i = 0; i < 12; i++) await enqueue("workload.state_changed", { n: i });
    const reports = await Promise.all([
      deliver({ limit: 5 }),
      deliver({ limit: 5 }),
      deliver({ limit: 5 }),
      deliver({ limit: 5 }),
    ]);
    expect(reports.reduce((sum, r) => sum + r.claimed, 0)).toBe(12);
    const ids = receiver.received.map((r) => r.headers["x-switchyard-delivery"]);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    const rows = await deliveriesOf(webhook.id);
    expect(rows.every((d) => d.status === "SUCCEEDED" && d.attempts === 1)).toBe(true);
  });

  it("sends a test ping to the webhook tested only, whatever it subscribes to", async () => {
    const tested = await createHook({ events: ["approval.decided"] });
    const other = await createHook({});
    const { deliveryId } = await admin().webhook.sendTest({ id: tested.webhook.id });
    await deliver();
    expect(receiver.received).toHaveLength(1);
    const [ping] = receiver.received as [TReceived];
    expect(ping.headers["x-switchyard-event"]).toBe("webhook.ping");
    expect(isSigned(ping, tested.secret)).toBe(true);
    expect(JSON.parse(ping.body)).toMatchObject({
      id: deliveryId,
      type: "webhook.ping",
      data: { webhookId: tested.webhook.id, sentBy: USERS.admin.email },
    });
    expect(await deliveriesOf(other.webhook.id)).toEqual([]);

    await admin().webhook.update({ id: tested.webhook.id, enabled: false });
    expect(await errorOf(admin().webhook.sendTest({ id: tested.webhook.id }))).toMatchObject({
      code: "CONFLICT",
      message: "This webhook is disabled: enable it to send a test.",
    });
  });

  it("redelivers a finished delivery under the same id, and refuses one still queued", async () => {
    const { webhook } = await createHook({});
    await enqueue("approval.requested");
    const [queued] = await deliveriesOf(webhook.id);
    if (!queued) throw new Error("nothing queued");
    expect(await errorOf(admin().webhook.redeliver({ id: queued.id }))).toMatchObject({ code: "CONFLICT" });
    await deliver();
    await admin().webhook.redeliver({ id: queued.id });
    expect(await t.db.prisma.webhookDelivery.findUnique({ where: { id: queued.id } })).toMatchObject({
      status: "PENDING",
      attempts: 0,
      deliveredAt: null,
    });
    await deliver();
    expect(receiver.received.map((r) => r.headers["x-switchyard-delivery"])).toEqual([queued.id, queued.id]);
    expect(await t.db.prisma.webhookDelivery.findUnique({ where: { id: queued.id } })).toMatchObject({
      status: "SUCCEEDED",
      attempts: 1,
    });
    expect(
      await t.db.prisma.auditEvent.count({
        where: { objectId: queued.id, action: "webhook.delivery.redeliver" },
      }),
    ).toBe(1);
    expect(await errorOf(admin().webhook.redeliver({ id: "delivery-nowhere" }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("rotates the secret: later attempts are signed with the new one", async () => {
    const { webhook, secret: oldSecret } = await createHook({});
    const rotated = await admin().webhook.rotateSecret({ id: webhook.id });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.secretHint).toBe(`whsec_…${rotated.secret.slice(-4)}`);
    await enqueue("approval.requested");
    await deliver();
    const [request] = receiver.received as [TReceived];
    expect(isSigned(request, rotated.secret)).toBe(true);
    expect(isSigned(request, oldSecret)).toBe(false);
  });

  it("lists webhooks with delivery counts and a secret hint, never the secret", async () => {
    const { webhook, secret } = await createHook({ name: "Ops pager" });
    expect(secret).toMatch(/^whsec_/);
    receiver.answer((_r, index) => ({ status: index === 0 ? 200 : 500 }));
    await enqueue("approval.requested");
    await deliver();
    await enqueue("approval.decided");
    await deliver();
    await enqueue("approval.decided");

    const list = await admin().webhook.list();
    expect(list.rows).toEqual([
      expect.objectContaining({
        id: webhook.id,
        name: "Ops pager",
        url: receiver.url,
        events: [],
        enabled: true,
        secretHint: `whsec_…${secret.slice(-4)}`,
        createdBy: USERS.admin.email,
        deliveries: { succeeded: 1, failed: 0, pending: 2 },
      }),
    ]);
    const deliveries = await admin().webhook.deliveries({ webhookId: webhook.id });
    const audit = await t.db.prisma.auditEvent.findMany({ where: { objectType: "Webhook" } });
    expect(audit.length).toBeGreaterThan(0);
    const text = (value: unknown) =>
      JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const output of [list, deliveries, audit]) expect(text(output)).not.toContain(secret);
  });

  it("pages the delivery log newest first, filtered by webhook and status", async () => {
    const a = await createHook({ name: "hook a" });
    const b = await createHook({ name: "hook b", events: ["approval.decided"] });
    for (let i = 0; i < 3; i++) await enqueue("workload.state_changed", { n: i });
    await enqueue("approval.decided");
    receiver.answer((request) => ({
      status: request.headers["x-switchyard-event"] === "approval.decided" ? 500 : 200,
    }));
    await deliver();

    const page1 = await admin().webhook.deliveries({ webhookId: a.webhook.id, pageSize: 2 });
    expect(page1).toMatchObject({ total: 4, page: 1, pages: 2 });
    expect(page1.rows[0]?.createdAt.getTime()).toBeGreaterThanOrEqual(
      page1.rows[1]?.createdAt.getTime() ?? 0,
    );
    expect(page1.rows[0]).toMatchObject({
      event: "approval.decided",
      status: "PENDING",
      webhook: { name: "hook a" },
    });
    const retrying = await admin().webhook.deliveries({ status: "PENDING" });
    expect(retrying.rows.map((r) => r.webhook.name).sort()).toEqual(["hook a", "hook b"]);
    expect(
      retrying.rows.every(
        (r) => r.nextAttemptAt instanceof Date && r.lastError === "HTTP 500 Internal Server Error",
      ),
    ).toBe(true);
    const succeeded = await admin().webhook.deliveries({ status: "SUCCEEDED", webhookId: b.webhook.id });
    expect(succeeded.total).toBe(0);
    const done = await admin().webhook.deliveries({ status: "SUCCEEDED" });
    expect(done.rows.every((r) => r.nextAttemptAt === null)).toBe(true);
  });

  it("names the field of bad input and audits every change", async () => {
    const fieldsOf = async (call: Promise<unknown>) => (await errorOf(call)).fields;
    const valid = { name: "Pager", url: receiver.url, events: [] };
    expect(await fieldsOf(admin().webhook.create({ ...valid, url: "ftp://example.com/x" }))).toEqual(["url"]);
    expect(await fieldsOf(admin().webhook.create({ ...valid, url: "not a url" }))).toEqual(["url"]);
    expect(await fieldsOf(admin().webhook.create({ ...valid, url: "https://user:pw@example.com/" }))).toEqual(
      ["url"],
    );
    expect(await fieldsOf(admin().webhook.create({ ...valid, name: " " }))).toEqual(["name"]);
    expect(
      await fieldsOf(admin().webhook.create({ ...valid, events: ["workload.deleted" as TWebhookEvent] })),
    ).toEqual(["events.0"]);
    expect(
      await fieldsOf(admin().webhook.create({ ...valid, events: ["approval.decided", "approval.decided"] })),
    ).toEqual(["events"]);

    const { webhook } = await admin().webhook.create(valid);
    expect(await errorOf(admin().webhook.create({ ...valid, name: "pager" }))).toMatchObject({
      code: "CONFLICT",
      fields: ["name"],
    });
    expect(await fieldsOf(admin().webhook.update({ id: webhook.id, url: "mailto:x@example.com" }))).toEqual([
      "url",
    ]);
    expect(await errorOf(admin().webhook.update({ id: "webhook-nowhere", enabled: false }))).toMatchObject({
      code: "NOT_FOUND",
    });

    const change = { id: webhook.id, events: ["approval.requested" as const], name: "Pager (approvals)" };
    await admin().webhook.update(change);
    // Saving the form unchanged is not an event.
    await admin().webhook.update(change);
    await admin().webhook.rotateSecret({ id: webhook.id });
    await admin().webhook.sendTest({ id: webhook.id });
    await admin().webhook.remove({ id: webhook.id });
    expect(await t.db.prisma.webhook.count()).toBe(0);
    expect(await t.db.prisma.webhookDelivery.count()).toBe(0);
    const actions = await t.db.prisma.auditEvent.findMany({
      where: { objectType: "Webhook", objectId: webhook.id },
      orderBy: { seq: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual([
      "webhook.create",
      "webhook.update",
      "webhook.secret.rotate",
      "webhook.test",
      "webhook.delete",
    ]);
    expect(actions[1]).toMatchObject({
      actorLabel: USERS.admin.email,
      before: { name: "Pager", events: [] },
      after: { name: "Pager (approvals)", events: ["approval.requested"] },
    });
  });

  it("is for admins only", async () => {
    for (const user of [USERS.platform, USERS.viewer]) {
      expect(await errorOf(as(user).webhook.list())).toMatchObject({ code: "FORBIDDEN" });
    }
  });
});

import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { reencryptStoredSecrets } from "../src/lib/reencrypt-secrets.ts";
import { generateSecretKey, SecretBox } from "../src/lib/secrets.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { runWebhookDeliveryTick } from "../src/webhooks/deliver.ts";
import { enqueueWebhookEvent } from "../src/webhooks/outbox.ts";
import { sendWebhook } from "../src/webhooks/send.ts";
import { verifyWebhookSignature } from "../src/webhooks/signature.ts";
import { DEFAULT_WEBHOOK_NETWORK_POLICY, parseAllowedNetworks } from "../src/webhooks/url-policy.ts";
import { errorOf, USERS } from "./helpers.ts";
import { startReceiver, type TReceived } from "./webhook-receiver.ts";

const createCaller = createCallerFactory(appRouter);
const LOOPBACK_ALLOWED = parseAllowedNetworks("127.0.0.0/8");
const ENV = "SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS";

/** Issue 11, row 3 (webhook SSRF that echoes responses) and stored secrets in plain text. */
describeEachDb("webhook security", (kind) => {
  let t: TTestDb;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  const admin = () => as(USERS.admin);
  const isSigned = (request: TReceived, secret: string) =>
    verifyWebhookSignature(
      secret,
      request.headers["x-switchyard-timestamp"] as string,
      request.body,
      request.headers["x-switchyard-signature"] as string,
    );
  const enqueue = () =>
    t.db.prisma.$transaction((tx) => enqueueWebhookEvent(tx, "approval.requested", { n: 1 }));

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
    delete process.env[ENV];
    receiver.reset();
    await t.db.prisma.webhookDelivery.deleteMany();
    await t.db.prisma.webhook.deleteMany();
  });
  afterEach(() => {
    delete process.env[ENV];
  });

  it.each([
    ["the database on loopback", "http://127.0.0.1:5432/"],
    ["IPv6 loopback", "http://[::1]/hooks"],
    ["the unspecified address", "http://0.0.0.0/"],
    ["loopback as one decimal number", "http://2130706433/"],
    ["loopback in hex", "http://0x7f.0x0.0x0.0x1/"],
    ["loopback in octal", "http://0177.0.0.1/"],
    ["loopback as IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]/"],
    ["the cloud metadata service", "http://169.254.169.254/latest/meta-data/"],
    ["IPv6 link-local", "http://[fe80::1]/"],
    ["a private network", "http://10.0.0.5/"],
    ["another private network", "https://172.16.3.4/"],
    ["a home network", "http://192.168.1.1/"],
    ["an IPv6 unique-local address", "http://[fd00::1]/"],
    ["multicast", "http://224.0.0.1/"],
    ["localhost by name", "http://localhost:5432/"],
    ["a name under localhost", "http://db.localhost/"],
    ["the GCP metadata name", "http://metadata.google.internal/computeMetadata/v1/"],
  ])("refuses %s on save by default (%s)", async (_what, url) => {
    const error = await errorOf(admin().webhook.create({ name: "probe", url, events: [] }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["url"] });
    expect(error.message).toMatch(/^This URL is not allowed: /);
    expect(await t.db.prisma.webhook.count()).toBe(0);
  });

  it("refuses a refused address when a URL is changed too", async () => {
    process.env[ENV] = "127.0.0.0/8";
    const { webhook } = await admin().webhook.create({ name: "ok", url: receiver.url, events: [] });
    delete process.env[ENV];
    expect(
      await errorOf(admin().webhook.update({ id: webhook.id, url: "http://[::1]:5432/" })),
    ).toMatchObject({
      fields: ["url"],
    });
  });

  it("allows loopback only through the operator's allowed networks", async () => {
    process.env[ENV] = "127.0.0.0/8";
    await expect(
      admin().webhook.create({ name: "local", url: receiver.url, events: [] }),
    ).resolves.toBeTruthy();
    // The allowance is exactly the networks named: metadata stays refused.
    expect(
      await errorOf(admin().webhook.create({ name: "meta", url: "http://169.254.169.254/", events: [] })),
    ).toMatchObject({ fields: ["url"] });
  });

  it("checks every delivery again: a URL saved earlier is not sent to once the policy refuses it", async () => {
    process.env[ENV] = "127.0.0.0/8";
    const { webhook } = await admin().webhook.create({ name: "local", url: receiver.url, events: [] });
    await enqueue();
    const report = await runWebhookDeliveryTick(t.db.prisma, {
      holder: "test",
      network: DEFAULT_WEBHOOK_NETWORK_POLICY,
    });
    expect(report).toMatchObject({ claimed: 1, retrying: 1 });
    expect(receiver.received).toHaveLength(0);
    const [delivery] = await t.db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
    expect(delivery?.lastError).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
  });

  it("shows the receiver's status in the delivery log, never its body", async () => {
    process.env[ENV] = "127.0.0.0/8";
    const { webhook } = await admin().webhook.create({ name: "echo", url: receiver.url, events: [] });
    receiver.answer(() => ({ status: 401, body: '{"AccessKeyId":"AKIA-LEAK","Token":"s3cr3t"}' }));
    await admin().webhook.sendTest({ id: webhook.id });
    await runWebhookDeliveryTick(t.db.prisma, { holder: "test" });
    const log = await admin().webhook.deliveries({ webhookId: webhook.id });
    expect(log.rows[0]).toMatchObject({ lastStatusCode: 401, lastError: "HTTP 401 Unauthorized" });
    expect(JSON.stringify(log)).not.toContain("AKIA-LEAK");
  });

  it("connects to the address it checked, not to whatever the name resolves to next (DNS rebinding)", async () => {
    const port = new URL(receiver.url).port;
    let lookups = 0;
    const outcome = await sendWebhook({
      // A name no resolver knows: only the checked answer can have taken the request there.
      url: `http://rebind.switchyard.test:${port}/hooks`,
      secret: "whsec_test",
      deliveryId: "d1",
      event: "webhook.ping",
      body: "{}",
      now: new Date(),
      network: LOOPBACK_ALLOWED,
      resolve: async () => {
        lookups += 1;
        return ["127.0.0.1"];
      },
    });
    expect(outcome).toEqual({ ok: true, statusCode: 200 });
    expect(lookups).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers.host).toBe(`rebind.switchyard.test:${port}`);

    // A name that answers with a public and a refused address is refused whole.
    const mixed = await sendWebhook({
      url: `http://mixed.switchyard.test:${port}/hooks`,
      secret: "whsec_test",
      deliveryId: "d2",
      event: "webhook.ping",
      body: "{}",
      now: new Date(),
      resolve: async () => ["93.184.216.34", "169.254.169.254"],
    });
    expect(mixed).toMatchObject({ ok: false, statusCode: null });
    expect(mixed.ok ? "" : mixed.error).toMatch(
      /^refused: mixed\.switchyard\.test resolves to 169\.254\.169\.254/,
    );
    expect(receiver.received).toHaveLength(1);
  });

  it("stores signing secrets encrypted, and signs with the decrypted secret", async () => {
    process.env[ENV] = "127.0.0.0/8";
    const { webhook, secret } = await admin().webhook.create({ name: "enc", url: receiver.url, events: [] });
    const row = await t.db.prisma.webhook.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(row.secret).toMatch(/^enc:v1:[0-9a-f]{16}:/);
    expect(row.secret).not.toContain(secret.slice(6));
    await enqueue();
    await runWebhookDeliveryTick(t.db.prisma, { holder: "test" });
    expect(isSigned(receiver.received[0] as TReceived, secret)).toBe(true);
    expect((await admin().webhook.list()).rows[0]?.secretHint).toBe(`whsec_…${secret.slice(-4)}`);
  });

  it("encrypts a secret stored in plain text before encryption existed, the first time it is used", async () => {
    const box = new SecretBox(Buffer.from(generateSecretKey(), "base64"));
    const legacy = await t.db.prisma.webhook.create({
      data: { name: "legacy", url: receiver.url, secret: "whsec_legacy-plain-secret" },
    });
    await enqueue();
    await runWebhookDeliveryTick(t.db.prisma, { holder: "test", network: LOOPBACK_ALLOWED, secrets: box });
    expect(isSigned(receiver.received[0] as TReceived, "whsec_legacy-plain-secret")).toBe(true);
    const row = await t.db.prisma.webhook.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(row.secret).toMatch(new RegExp(`^enc:v1:${box.currentKeyId}:`));
    expect(box.decrypt(row.secret, "webhook.secret")).toBe("whsec_legacy-plain-secret");
  });

  it("rotates the key: the previous key still decrypts, re-encryption moves every row to the new key", async () => {
    const oldKey = Buffer.from(generateSecretKey(), "base64");
    const newKey = Buffer.from(generateSecretKey(), "base64");
    const oldBox = new SecretBox(oldKey);
    await t.db.prisma.webhook.createMany({
      data: [
        { name: "a", url: receiver.url, secret: oldBox.encrypt("whsec_a", "webhook.secret") },
        { name: "b", url: receiver.url, secret: "whsec_plain_b" },
      ],
    });
    const rotated = new SecretBox(newKey, [oldKey]);
    expect(await reencryptStoredSecrets(t.db.prisma, rotated)).toEqual({
      checked: 2,
      reencrypted: 2,
      undecryptable: 0,
    });
    const rows = await t.db.prisma.webhook.findMany({ orderBy: { name: "asc" } });
    const newOnly = new SecretBox(newKey);
    expect(rows.map((r) => newOnly.decrypt(r.secret, "webhook.secret"))).toEqual([
      "whsec_a",
      "whsec_plain_b",
    ]);
    // Nothing left for the old key: it can be dropped. Running again changes nothing.
    expect(() => oldBox.decrypt(rows[0]?.secret ?? "", "webhook.secret")).toThrow(/neither/);
    expect(await reencryptStoredSecrets(t.db.prisma, newOnly)).toMatchObject({ reencrypted: 0 });
    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: "secrets.reencrypt" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
      "whsec_",
    );
  });
});

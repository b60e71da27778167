import { verifyAuditChain } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoActivity } from "../src/demo/activity.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

describeEachDb("demo governance activity", (kind) => {
  let t: TTestDb;
  const as = (user: (typeof USERS)[keyof typeof USERS]) =>
    createCaller(createInnerContext({ prisma: t.db.prisma, user }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    expect(await seedDemoActivity(t.db.prisma)).toEqual({ ran: true });
  });
  afterAll(() => t.cleanup());

  it("leaves requests waiting for the steward and the admin, made by the real placement", async () => {
    const stewardInbox = await as(USERS.steward).approval.list({ view: "inbox" });
    expect(stewardInbox.rows.map((r) => r.workload?.name).sort()).toEqual([
      "claims-anomaly-scan",
      "eu-support-assistant-ft",
    ]);
    expect(await as(USERS.steward).approval.inboxCount()).toBe(2);
    const eu = stewardInbox.rows.find((r) => r.workload?.name === "eu-support-assistant-ft");
    expect(eu?.site?.jurisdiction).toBe("EU");
    const view = await as(USERS.steward).approval.byId({ id: eu?.id ?? "" });
    expect(view.decision?.feasible).toBe(true);
    expect(view.decision?.candidates.candidates[0]?.siteId).toBe(view.siteId);
    expect(
      (await as(USERS.admin).approval.list({ view: "inbox" })).rows.map((r) => r.workload?.name),
    ).toEqual(["embedding-refresh-eu"]);
  });

  it("shows decided requests: one approved and scheduled, one rejected with its comment", async () => {
    const decided = await as(USERS.engineer).approval.list({ view: "decided" });
    const byName = new Map(decided.rows.map((r) => [r.workload?.name, r]));
    expect(byName.get("claims-cohort-eval")?.status).toBe("APPROVED");
    expect(byName.get("claims-export-sandbox")?.status).toBe("REJECTED");
    expect(byName.get("claims-risk-model")?.status).toBe("APPROVED");
    const approved = await as(USERS.engineer).workload.byId({
      id: byName.get("claims-cohort-eval")?.workload?.id ?? "",
    });
    expect(approved.state).toBe("SCHEDULED");
    const rejected = await as(USERS.engineer).workload.byId({
      id: byName.get("claims-export-sandbox")?.workload?.id ?? "",
    });
    expect(rejected.state).toBe("REJECTED");
    expect(rejected.stateReason).toContain("de-identified extract");
  });

  it("lists in each inbox exactly the requests the request page lets that person decide", async () => {
    for (const user of Object.values(USERS)) {
      const open = await as(user).approval.list({ view: "open", pageSize: 200 });
      const decidable = [];
      for (const row of open.rows)
        if ((await as(user).approval.byId({ id: row.id })).canDecide.ok) decidable.push(row.id);
      const inbox = await as(user).approval.list({ view: "inbox", pageSize: 200 });
      expect(inbox.rows.map((r) => r.id).sort(), user.email).toEqual(decidable.sort());
      expect(await as(user).approval.inboxCount()).toBe(decidable.length);
    }
  });

  it("runs an inference service across on-prem, cloud and edge sites serving the demo model", async () => {
    const { rows } = await as(USERS.platform).service.list({ search: "defect-detector-eu" });
    const row = rows[0];
    expect(row).toMatchObject({ regionsCovered: 3, regionsTotal: 3, hasProposal: false });
    const service = await as(USERS.platform).service.byId({ id: row?.id ?? "" });
    expect(service.model.id).toBe("dataset-defect-detector-v1");
    const kinds = new Set(service.replicas.map((r) => r.site?.kind));
    expect(kinds).toEqual(new Set(["EDGE", "CLOUD", "ON_PREM"]));
    expect(service.replicas.every((r) => r.state === "SCHEDULED" && r.allocations.length > 0)).toBe(true);
    // Every replica stays inside the EU residency the model inherited from its training data.
    const sites = await t.db.prisma.site.findMany({
      where: { id: { in: service.replicas.map((r) => r.site?.id ?? "") } },
      select: { jurisdiction: true },
    });
    expect(sites.every((s) => s.jurisdiction === "EU")).toBe(true);
    const model = await as(USERS.platform).model.byId({ id: "dataset-defect-detector-v1" });
    expect(model.servedBy.map((s) => s.name)).toEqual(["defect-detector-eu"]);
  });

  it("runs once, and leaves an audit chain that verifies", async () => {
    expect(await seedDemoActivity(t.db.prisma)).toEqual({
      ran: false,
      reason: "the demo activity has run already",
    });
    expect(
      await t.db.prisma.auditEvent.count({ where: { actorLabel: "steward@switchyard.demo" } }),
    ).toBeGreaterThan(0);
    expect((await verifyAuditChain(t.db.prisma)).ok).toBe(true);
  });
});

import type { Prisma } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { sweepApprovals } from "../src/governance/approvals.ts";
import { systemActor } from "../src/lib/audited.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { scheduleWorkload } from "../src/workloads/schedule.ts";
import { approveAll, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const { admin: ADMIN, platform: PLATFORM, steward: STEWARD, engineer: ENGINEER, viewer: VIEWER } = USERS;
const RESEARCHER: TSessionUser = {
  id: "user-researcher",
  email: "researcher@switchyard.demo",
  name: "Rae",
  role: "ML_ENGINEER",
};

type TSpecInput = Omit<TWorkloadSpec, "deadline">;
const SPEC: TSpecInput = {
  name: "job",
  kind: "FINE_TUNING",
  teamId: "team-health-ai",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 6,
  datasetIds: ["dataset-claims-2025"],
  requiredCertifications: ["HIPAA"],
  allowedKinds: [],
  priority: 60,
  preemptible: false,
  dependsOn: [],
};

/** One L4 without data: only an override (or spend) can make it need approval. */
const SMALL: Partial<TSpecInput> = {
  teamId: "team-applied-ml",
  datasetIds: [],
  requiredCertifications: [],
  gpuModels: ["L4"],
  gpu: { count: 1 },
};

describeEachDb("approvals", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  const loop = () => ({ prisma: t.db.prisma, user: systemActor("test"), requestId: "test" });

  /** Submits a job as `who` and schedules it at the recommendation (or overrides to `override`). */
  async function submitAndSchedule(
    who: TSessionUser,
    spec: Partial<TSpecInput>,
    override?: (candidates: readonly { siteId: string; rank: number }[]) => string,
  ) {
    const { id } = await as(who).workload.submit({ spec: { ...SPEC, ...spec } });
    const w = await as(who).workload.byId({ id });
    expect(w.decision?.feasible).toBe(true);
    const siteId = override?.(w.decision?.candidates.candidates ?? []);
    const result = await as(who).workload.schedule({
      id,
      decisionId: w.decision?.id ?? "",
      ...(siteId ? { override: { siteId, reason: "the team sits next to that site" } } : {}),
    });
    const request = await t.db.prisma.approvalRequest.findFirst({
      where: { workloadId: id },
      orderBy: { createdAt: "desc" },
      include: { steps: { orderBy: { order: "asc" }, include: { policy: true } } },
    });
    return { id, result, request, decision: w.decision };
  }

  /** An edit of a rule, as the policy editor makes it: the current row copied as version + 1. */
  async function newVersion(
    key: string,
    changes: Prisma.PolicyUncheckedCreateInput extends infer P ? Partial<P> : never,
  ) {
    const current = await t.db.prisma.policy.findFirstOrThrow({
      where: { key },
      orderBy: { version: "desc" },
    });
    const { id: _id, createdAt: _at, ...rest } = current;
    await t.db.prisma.policy.create({
      data: {
        ...rest,
        ...changes,
        id: `policy-${key}-v${current.version + 1}`,
        version: current.version + 1,
      },
    });
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    // A receiver for every event: webhook deliveries are queued in the same transactions.
    await t.db.prisma.webhook.create({
      data: { name: "all events", url: "http://127.0.0.1:9/hook", secret: "s3cret" },
    });
  });
  afterAll(() => t.cleanup());

  describe("rules", () => {
    it("a REGULATED dataset waits for its steward, holding nothing, under the rule version in force", async () => {
      const { id, result, request } = await submitAndSchedule(ENGINEER, { name: "reg-1" });
      expect(result).toMatchObject({ state: "AWAITING_APPROVAL", siteId: "site-dc-ashburn", gpus: 0 });
      expect(
        request?.steps.map((s) => [s.policy.key, s.policy.version, s.approverKind, s.datasetId]),
      ).toEqual([["regulated-data", 1, "DATASET_STEWARDS", "dataset-claims-2025"]]);
      expect(request).toMatchObject({
        status: "PENDING",
        requestedById: ENGINEER.id,
        siteId: "site-dc-ashburn",
      });
      expect(Number(request?.estimatedCostUsd)).toBeGreaterThan(0);
      expect(await t.db.prisma.allocation.count({ where: { workloadId: id } })).toBe(0);
      const w = await as(ENGINEER).workload.byId({ id });
      expect(w.state).toBe("AWAITING_APPROVAL");
      expect(w.stateReason).toContain("reads REGULATED dataset Insurance claims 2025");
      expect(
        await t.db.prisma.webhookDelivery.count({
          where: {
            event: "approval.requested",
            payload: { path: ["data", "requestId"], equals: request?.id },
          },
        }),
      ).toBe(1);
      expect(
        await t.db.prisma.auditEvent.count({ where: { action: "approval.request", objectId: request?.id } }),
      ).toBe(1);
    });

    it("a copy into another jurisdiction needs a data steward", async () => {
      // Only Ashburn (US) holds the 70B checkpoints; batch placement may put the job in Stockholm (EU).
      const { id } = await as(PLATFORM).workload.submit({
        spec: {
          ...SPEC,
          name: "border-1",
          teamId: "team-applied-ml",
          datasetIds: ["dataset-llm-checkpoints-70b"],
          gpuModels: ["A100-80GB"],
          requiredCertifications: [],
          allowedKinds: ["ON_PREM"],
        },
      });
      const w = await as(PLATFORM).workload.byId({ id });
      const result = await scheduleWorkload(
        { prisma: t.db.prisma, user: PLATFORM, requestId: "t" },
        { id, decisionId: w.decision?.id ?? "", batchSiteId: "site-dc-stockholm" },
      );
      expect(result.state).toBe("AWAITING_APPROVAL");
      const steps = await t.db.prisma.approvalStep.findMany({
        where: { request: { workloadId: id } },
        include: { policy: true },
      });
      expect(steps.map((s) => [s.policy.key, s.approverRole, s.datasetId])).toEqual([
        ["cross-border-copy", "DATA_STEWARD", "dataset-llm-checkpoints-70b"],
      ]);
      expect(steps[0]?.reason).toMatch(/from Ashburn DC \(on-prem\) \(US\) to .*Stockholm.* \(EU\)/);
      expect(await approveAll(t.db, id)).toEqual(["steward@switchyard.demo"]);
      const scheduled = await as(PLATFORM).workload.byId({ id });
      expect(scheduled).toMatchObject({ state: "SCHEDULED", site: { id: "site-dc-stockholm" } });
      expect(scheduled.transfers).toHaveLength(1);
    });

    it("an estimate over the spend threshold needs a platform engineer", async () => {
      const { id, request } = await submitAndSchedule(ENGINEER, {
        name: "spend-1",
        teamId: "team-applied-ml",
        datasetIds: [],
        requiredCertifications: [],
        gpuModels: ["A100-80GB"],
        gpu: { count: 8 },
        estimatedHours: 3_000,
      });
      expect(request?.steps.map((s) => [s.policy.key, s.approverRole])).toEqual([
        ["spend-over-25k", "PLATFORM_ENGINEER"],
      ]);
      expect(request?.steps[0]?.reason).toMatch(/^estimated \$[\d,]+, over the \$25,000 threshold$/);
      expect(await approveAll(t.db, id)).toEqual(["platform@switchyard.demo"]);
      expect((await as(ENGINEER).workload.byId({ id })).state).toBe("SCHEDULED");
    });

    it("an override needs an admin; the recommendation does not", async () => {
      const plain = {
        teamId: "team-applied-ml",
        datasetIds: [],
        requiredCertifications: [],
        gpuModels: ["L4" as const],
      };
      const straight = await submitAndSchedule(ENGINEER, { ...plain, name: "plain-1", gpu: { count: 1 } });
      expect(straight.result.state).toBe("SCHEDULED");
      expect(straight.request).toBeNull();

      const moved = await submitAndSchedule(
        ENGINEER,
        { ...SMALL, name: "override-1" },
        (candidates) => candidates.find((c) => c.rank === 2)?.siteId ?? "",
      );
      expect(moved.request?.steps.map((s) => [s.policy.key, s.approverRole])).toEqual([
        ["placement-override", "ADMIN"],
      ]);
      expect(moved.request?.overrideReason).toBe("the team sits next to that site");
      expect(await approveAll(t.db, moved.id)).toEqual(["admin@switchyard.demo"]);
      const after = await as(ENGINEER).workload.byId({ id: moved.id });
      expect(after.decision).toMatchObject({
        status: "OVERRIDDEN",
        overrideReason: "the team sits next to that site",
      });
      expect(after.decision?.decidedById).toBe(ENGINEER.id);
    });

    it("on-prem-only data is a hard block, not an approval", async () => {
      const { id } = await as(ENGINEER).workload.submit({
        spec: {
          ...SPEC,
          name: "ct-in-the-cloud",
          datasetIds: ["dataset-patient-imaging-ct"],
          allowedKinds: ["CLOUD"],
        },
      });
      const w = await as(ENGINEER).workload.byId({ id });
      expect(w.state).toBe("PENDING");
      expect(w.decision?.feasible).toBe(false);
      expect(w.decision?.summary).toMatch(/on-prem/i);
      expect(await t.db.prisma.approvalRequest.count({ where: { workloadId: id } })).toBe(0);
    });
  });

  describe("lifecycle", () => {
    it("approved: the workload is scheduled at the approved site, and everyone can see who approved", async () => {
      const { id, request } = await submitAndSchedule(ENGINEER, { name: "life-approve" });
      const requestId = request?.id ?? "";
      expect((await as(STEWARD).approval.list({ view: "inbox" })).rows.map((r) => r.id)).toContain(requestId);
      expect(await as(STEWARD).approval.inboxCount()).toBeGreaterThan(0);
      expect((await as(ENGINEER).approval.list({ view: "inbox" })).rows.map((r) => r.id)).not.toContain(
        requestId,
      );
      expect((await as(ENGINEER).approval.list({ view: "mine" })).rows.map((r) => r.id)).toContain(requestId);

      const decided = await as(STEWARD).approval.decide({
        id: requestId,
        verdict: "APPROVE",
        comment: "HIPAA ok",
      });
      expect(decided).toEqual({ status: "APPROVED", workloadState: "SCHEDULED" });
      const w = await as(ENGINEER).workload.byId({ id });
      expect(w.state).toBe("SCHEDULED");
      expect(w.stateReason).toContain("approved by steward@switchyard.demo");
      expect(w.events.map((e) => e.toState)).toEqual(["PENDING", "AWAITING_APPROVAL", "SCHEDULED"]);
      expect(w.allocations.reduce((sum, a) => sum + a.gpus, 0)).toBe(8);
      const view = await as(ENGINEER).approval.byId({ id: requestId });
      expect(view.status).toBe("APPROVED");
      expect(view.steps[0]?.decisions[0]).toMatchObject({ verdict: "APPROVE", comment: "HIPAA ok" });
      expect(view.steps[0]?.policy).toMatchObject({ key: "regulated-data", version: 1 });
      expect(
        await t.db.prisma.auditEvent.findMany({
          where: { objectId: requestId },
          orderBy: { seq: "asc" },
          select: { action: true, actorLabel: true },
        }),
      ).toEqual([
        { action: "approval.request", actorLabel: ENGINEER.email },
        { action: "approval.approve", actorLabel: STEWARD.email },
        { action: "approval.approved", actorLabel: STEWARD.email },
      ]);
      expect(
        await t.db.prisma.webhookDelivery.count({
          where: { event: "approval.decided", payload: { path: ["data", "requestId"], equals: requestId } },
        }),
      ).toBe(1);
    });

    it("rejected: a comment is required, and it reaches the engineer", async () => {
      const { id, request } = await submitAndSchedule(ENGINEER, { name: "life-reject" });
      const requestId = request?.id ?? "";
      const noComment = await errorOf(as(STEWARD).approval.decide({ id: requestId, verdict: "REJECT" }));
      expect(noComment).toMatchObject({ code: "BAD_REQUEST", fields: ["comment"] });
      await as(STEWARD).approval.decide({
        id: requestId,
        verdict: "REJECT",
        comment: "Use the de-identified extract instead",
      });
      const w = await as(ENGINEER).workload.byId({ id });
      expect(w.state).toBe("REJECTED");
      expect(w.stateReason).toContain("Use the de-identified extract instead");
      expect(w.stateReason).toContain("steward@switchyard.demo");
      expect(w.decision?.status).toBe("SUPERSEDED");
      const again = await errorOf(as(STEWARD).approval.decide({ id: requestId, verdict: "APPROVE" }));
      expect(again).toMatchObject({ code: "CONFLICT", message: "This request is already rejected." });
    });

    it("only the step's approvers decide: not the requester, not another role, not a viewer", async () => {
      const { request } = await submitAndSchedule(
        ADMIN,
        {
          name: "life-who",
          teamId: "team-applied-ml",
          datasetIds: [],
          requiredCertifications: [],
          gpuModels: ["L4"],
          gpu: { count: 1 },
        },
        (candidates) => candidates.find((c) => c.rank === 2)?.siteId ?? "",
      );
      const id = request?.id ?? "";
      expect(await errorOf(as(ADMIN).approval.decide({ id, verdict: "APPROVE" }))).toMatchObject({
        code: "FORBIDDEN",
        message: "You asked for this; someone else must decide it.",
      });
      expect(await errorOf(as(STEWARD).approval.decide({ id, verdict: "APPROVE" }))).toMatchObject({
        code: "FORBIDDEN",
        message: "This step needs an admin.",
      });
      expect((await errorOf(as(VIEWER).approval.decide({ id, verdict: "APPROVE" }))).code).toBe("FORBIDDEN");
      // Nobody else is an admin in the demo: the request stays pending, and cancelling closes it.
      expect((await as(ADMIN).approval.byId({ id })).canDecide).toEqual({
        ok: false,
        why: "You asked for this; someone else must decide it.",
      });
      await as(ADMIN).workload.transition({ id: request?.workloadId ?? "", to: "CANCELLED" });
      expect(await t.db.prisma.approvalRequest.findUnique({ where: { id } })).toMatchObject({
        status: "CANCELLED",
      });
      expect(await t.db.prisma.approvalStep.count({ where: { requestId: id, status: "CANCELLED" } })).toBe(1);
    });

    it("multi-step: the steward first, then the admin, in order", async () => {
      const { id, request } = await submitAndSchedule(
        PLATFORM,
        { name: "life-steps" },
        (candidates) => candidates.find((c) => c.rank === 2)?.siteId ?? "",
      );
      const requestId = request?.id ?? "";
      expect(request?.steps.map((s) => s.policy.key)).toEqual(["regulated-data", "placement-override"]);
      expect(await errorOf(as(ADMIN).approval.decide({ id: requestId, verdict: "APPROVE" }))).toMatchObject({
        code: "FORBIDDEN",
        message: "Only a steward of Insurance claims 2025 can decide this step.",
      });
      expect(await as(STEWARD).approval.decide({ id: requestId, verdict: "APPROVE" })).toEqual({
        status: "PENDING",
        workloadState: null,
      });
      expect((await as(PLATFORM).workload.byId({ id })).stateReason).toMatch(
        /^step 1 approved by steward@.*now waiting for an admin/,
      );
      expect((await as(STEWARD).approval.list({ view: "inbox" })).rows.map((r) => r.id)).not.toContain(
        requestId,
      );
      expect((await as(ADMIN).approval.list({ view: "inbox" })).rows.map((r) => r.id)).toContain(requestId);
      expect(await as(ADMIN).approval.decide({ id: requestId, verdict: "APPROVE" })).toEqual({
        status: "APPROVED",
        workloadState: "SCHEDULED",
      });
    });

    it("expired: nobody decided in time; the workload goes back to PENDING and deciding is refused", async () => {
      const { id, request } = await submitAndSchedule(ENGINEER, { name: "life-expire" });
      const requestId = request?.id ?? "";
      await t.db.prisma.approvalRequest.update({
        where: { id: requestId },
        data: { expiresAt: new Date(Date.now() - 60_000) },
      });
      expect(await errorOf(as(STEWARD).approval.decide({ id: requestId, verdict: "APPROVE" }))).toMatchObject(
        {
          code: "FORBIDDEN",
          message: "This request has expired.",
        },
      );
      const report = await sweepApprovals(loop());
      expect(report.expired).toContain(requestId);
      expect(await t.db.prisma.approvalRequest.findUnique({ where: { id: requestId } })).toMatchObject({
        status: "EXPIRED",
      });
      const w = await as(ENGINEER).workload.byId({ id });
      expect(w.state).toBe("PENDING");
      expect(w.stateReason).toMatch(/^approval request expired/);
      expect(w.decision?.status).toBe("SUPERSEDED");
      // A second sweep finds nothing more to do.
      expect((await sweepApprovals(loop())).expired).not.toContain(requestId);
      // Placing and scheduling again asks again.
      await as(ENGINEER).workload.place({ id });
      const again = await as(ENGINEER).workload.byId({ id });
      const result = await as(ENGINEER).workload.schedule({ id, decisionId: again.decision?.id ?? "" });
      expect(result.state).toBe("AWAITING_APPROVAL");
      expect(await t.db.prisma.approvalRequest.count({ where: { workloadId: id } })).toBe(2);
    });

    it("approved after its GPUs were taken: placed again, and the approval still covers that site", async () => {
      const { id, request } = await submitAndSchedule(ENGINEER, { name: "life-capacity" });
      const requestId = request?.id ?? "";
      const siteId = request?.siteId ?? "";
      expect(siteId).not.toBe("");
      // Every H100 in the estate is taken while the steward is away, so no other site can step in.
      const h100 = await t.db.prisma.gpuNode.findMany({
        where: { gpuModel: "H100", status: "READY" },
        select: { id: true, siteId: true },
      });
      const atSite = h100.filter((n) => n.siteId === siteId).map((n) => n.id);
      const elsewhere = h100.filter((n) => n.siteId !== siteId).map((n) => n.id);
      expect(atSite.length).toBeGreaterThan(0);
      await t.db.prisma.gpuNode.updateMany({
        where: { id: { in: [...atSite, ...elsewhere] } },
        data: { status: "CORDONED" },
      });
      try {
        const decided = await as(STEWARD).approval.decide({ id: requestId, verdict: "APPROVE" });
        // Approved, but its GPUs are gone: placed again at once, nowhere feasible, so PENDING.
        expect(decided).toEqual({ status: "APPROVED", workloadState: "PENDING" });
        const w = await as(ENGINEER).workload.byId({ id });
        expect(w.state).toBe("PENDING");
        expect(w.allocations).toHaveLength(0);
        expect(w.events.map((e) => e.toState)).toEqual(["PENDING", "AWAITING_APPROVAL", "PENDING"]);

        // Capacity comes back at the approved site only: the loop schedules it there without asking again.
        await t.db.prisma.gpuNode.updateMany({ where: { id: { in: atSite } }, data: { status: "READY" } });
        await t.db.prisma.placementDecision.updateMany({
          where: { workloadId: id, status: "PROPOSED" },
          data: { createdAt: new Date(Date.now() - 3_600_000) },
        });
        await runReconcileTick(t.db.prisma, { holder: "test", silenceSeconds: 3_600, retryAfterSeconds: 0 });
        const after = await as(ENGINEER).workload.byId({ id });
        expect(after.state).toBe("SCHEDULED");
        expect(after.site?.id).toBe(siteId);
        expect(after.allocations.length).toBeGreaterThan(0);
        expect(await t.db.prisma.approvalRequest.count({ where: { workloadId: id } })).toBe(1);
      } finally {
        await t.db.prisma.gpuNode.updateMany({
          where: { id: { in: [...atSite, ...elsewhere] }, status: "CORDONED" },
          data: { status: "READY" },
        });
      }
    });

    it("two approvers at once: the request is approved and scheduled exactly once", async () => {
      const { id, request } = await submitAndSchedule(
        ENGINEER,
        {
          name: "life-race",
          teamId: "team-applied-ml",
          datasetIds: [],
          requiredCertifications: [],
          gpuModels: ["L4"],
          gpu: { count: 1 },
        },
        (candidates) => candidates.find((c) => c.rank === 2)?.siteId ?? "",
      );
      await t.db.prisma.user.update({ where: { id: PLATFORM.id }, data: { role: "ADMIN" } });
      const asAdmin2 = as({ ...PLATFORM, role: "ADMIN" });
      const results = await Promise.allSettled([
        as(ADMIN).approval.decide({ id: request?.id ?? "", verdict: "APPROVE" }),
        asAdmin2.approval.decide({ id: request?.id ?? "", verdict: "APPROVE" }),
      ]);
      await t.db.prisma.user.update({ where: { id: PLATFORM.id }, data: { role: "PLATFORM_ENGINEER" } });
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await t.db.prisma.allocation.count({ where: { workloadId: id, status: "ACTIVE" } })).toBe(1);
      expect(await t.db.prisma.approvalDecision.count({ where: { step: { requestId: request?.id } } })).toBe(
        1,
      );
    });

    it("team scoping: an engineer outside the team cannot see or decide the request", async () => {
      const { request } = await submitAndSchedule(ENGINEER, { name: "life-scope" });
      const id = request?.id ?? "";
      expect((await errorOf(as(RESEARCHER).approval.byId({ id }))).code).toBe("NOT_FOUND");
      expect((await as(RESEARCHER).approval.list({ view: "open" })).rows.map((r) => r.id)).not.toContain(id);
      expect((await as(VIEWER).approval.list({ view: "open" })).rows.map((r) => r.id)).toContain(id);
      expect(await as(VIEWER).approval.inboxCount()).toBe(0);
    });
  });

  describe("rule versions", () => {
    it("uses the newest enabled version of each rule and records it; a disabled rule asks nothing", async () => {
      await newVersion("regulated-data", { expiresAfterHours: 12 });
      const v2 = await submitAndSchedule(ENGINEER, { name: "reg-v2" });
      expect(v2.request?.steps[0]?.policyId).toBe("policy-regulated-data-v2");
      const hours =
        ((v2.request?.expiresAt.getTime() ?? 0) - (v2.request?.createdAt.getTime() ?? 0)) / 3_600_000;
      expect(hours).toBe(12);
      // Earlier requests keep the version they were made under.
      const v1 = await t.db.prisma.approvalStep.findFirst({
        where: { request: { workload: { name: "reg-1" } } },
      });
      expect(v1?.policyId).toBe("policy-regulated-data-v1");

      await newVersion("regulated-data", { enabled: false });
      const off = await submitAndSchedule(ENGINEER, { name: "reg-off" });
      expect(off.result.state).toBe("SCHEDULED");
      expect(off.request).toBeNull();
      await newVersion("regulated-data", { enabled: true });
    });

    it("a step that needs two approvals needs two different people", async () => {
      await newVersion("placement-override", { approverRole: "PLATFORM_ENGINEER", requiredApprovals: 2 });
      const { id, request } = await submitAndSchedule(
        ENGINEER,
        { name: "life-two", ...SMALL },
        (candidates) => candidates.find((c) => c.rank === 2)?.siteId ?? "",
      );
      const requestId = request?.id ?? "";
      expect(await as(PLATFORM).approval.decide({ id: requestId, verdict: "APPROVE" })).toEqual({
        status: "PENDING",
        workloadState: null,
      });
      expect(
        await errorOf(as(PLATFORM).approval.decide({ id: requestId, verdict: "APPROVE" })),
      ).toMatchObject({
        code: "FORBIDDEN",
        message: "You have approved this step; it needs another approver too.",
      });
      await as(ENGINEER).workload.transition({ id, to: "CANCELLED" });
      await newVersion("placement-override", { approverRole: "ADMIN", requiredApprovals: 1 });
    });
  });

  describe("dataset copies", () => {
    const CHECKPOINTS = "dataset-llm-checkpoints-70b"; // only in Ashburn (US)

    it("a copy within the jurisdiction is registered at once", async () => {
      const result = await as(PLATFORM).dataset.addReplica({
        datasetId: CHECKPOINTS,
        siteId: "site-edge-chicago-retail",
      });
      expect(result.status).toBe("REGISTERED");
    });

    it("a copy across a border waits for a steward; approved, the replica is registered", async () => {
      const result = await as(PLATFORM).dataset.addReplica({
        datasetId: CHECKPOINTS,
        siteId: "site-dc-frankfurt",
      });
      expect(result.status).toBe("AWAITING_APPROVAL");
      const requestId = result.status === "AWAITING_APPROVAL" ? result.approvalRequestId : "";
      const request = await t.db.prisma.approvalRequest.findUniqueOrThrow({
        where: { id: requestId },
        include: { steps: { include: { policy: true } }, transfer: true },
      });
      expect(request).toMatchObject({ kind: "DATA_TRANSFER", workloadId: null, siteId: "site-dc-frankfurt" });
      expect(request.transfer).toMatchObject({ status: "PENDING", sourceSiteId: "site-dc-ashburn" });
      expect(request.steps.map((s) => [s.policy.key, s.approverRole])).toEqual([
        ["cross-border-copy", "DATA_STEWARD"],
      ]);
      expect(
        await t.db.prisma.datasetReplica.count({
          where: { datasetId: CHECKPOINTS, siteId: "site-dc-frankfurt" },
        }),
      ).toBe(0);
      // Asking twice, or saying the bytes arrived before anyone approved, is refused.
      expect(
        await errorOf(
          as(PLATFORM).dataset.addReplica({ datasetId: CHECKPOINTS, siteId: "site-dc-frankfurt" }),
        ),
      ).toMatchObject({ code: "CONFLICT", fields: ["siteId"] });
      expect(
        await errorOf(
          as(PLATFORM).workload.finishTransfer({ id: request.transferId ?? "", outcome: "COMPLETED" }),
        ),
      ).toMatchObject({
        code: "CONFLICT",
        message: "This copy waits for approval; it cannot have happened yet.",
      });

      const view = await as(STEWARD).approval.byId({ id: requestId });
      expect(view.workload).toBeNull();
      expect(view.datasets.map((d) => d.id)).toEqual([CHECKPOINTS]);
      expect(view.transfer?.source).toMatchObject({ id: "site-dc-ashburn", jurisdiction: "US" });
      expect((await as(STEWARD).approval.list({ view: "inbox" })).rows.map((r) => r.id)).toContain(requestId);
      expect(await as(STEWARD).approval.decide({ id: requestId, verdict: "APPROVE" })).toEqual({
        status: "APPROVED",
        workloadState: null,
      });
      expect(
        await t.db.prisma.datasetReplica.count({
          where: { datasetId: CHECKPOINTS, siteId: "site-dc-frankfurt" },
        }),
      ).toBe(1);
      expect(
        await t.db.prisma.dataTransfer.findUnique({ where: { id: request.transferId ?? "" } }),
      ).toMatchObject({
        status: "COMPLETED",
      });
    });

    it("rejected, the copy is cancelled and nothing is registered; ML engineers can follow it", async () => {
      const result = await as(PLATFORM).dataset.addReplica({
        datasetId: CHECKPOINTS,
        siteId: "site-dc-singapore",
      });
      const requestId = result.status === "AWAITING_APPROVAL" ? result.approvalRequestId : "";
      expect((await as(RESEARCHER).approval.byId({ id: requestId })).transfer?.status).toBe("PENDING");
      await as(STEWARD).approval.decide({
        id: requestId,
        verdict: "REJECT",
        comment: "Checkpoints stay out of SG.",
      });
      const request = await t.db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: requestId } });
      expect(request.status).toBe("REJECTED");
      expect(
        await t.db.prisma.dataTransfer.findUnique({ where: { id: request.transferId ?? "" } }),
      ).toMatchObject({
        status: "CANCELLED",
      });
      expect(
        await t.db.prisma.datasetReplica.count({
          where: { datasetId: CHECKPOINTS, siteId: "site-dc-singapore" },
        }),
      ).toBe(0);
    });

    it("a copy from a replica in the same jurisdiction needs nothing; expired, a copy is cancelled", async () => {
      // Frankfurt now holds the checkpoints: Stockholm gets them from inside the EU.
      const inside = await as(PLATFORM).dataset.addReplica({
        datasetId: CHECKPOINTS,
        siteId: "site-dc-stockholm",
      });
      expect(inside.status).toBe("REGISTERED");
      const result = await as(PLATFORM).dataset.addReplica({
        datasetId: CHECKPOINTS,
        siteId: "site-edge-tokyo-stores",
      });
      const requestId = result.status === "AWAITING_APPROVAL" ? result.approvalRequestId : "";
      await t.db.prisma.approvalRequest.update({
        where: { id: requestId },
        data: { expiresAt: new Date(Date.now() - 1_000) },
      });
      expect((await sweepApprovals(loop())).expired).toContain(requestId);
      const request = await t.db.prisma.approvalRequest.findUniqueOrThrow({
        where: { id: requestId },
        include: { transfer: true },
      });
      expect(request.status).toBe("EXPIRED");
      expect(request.transfer?.status).toBe("CANCELLED");
    });
  });
});

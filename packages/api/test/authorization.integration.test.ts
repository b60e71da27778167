import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type TRole, type TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";

/**
 * Every procedure, called as every role: allowed roles must get past authorisation (any
 * other outcome is fine: data, NOT_FOUND, a validation error), denied ones get FORBIDDEN.
 * Inputs are chosen to change nothing lasting. A procedure missing here fails the test.
 */
const ALL = ROLES;
const EDITORS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER"];
const AUDIT_READERS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD"];
const SUBMITTERS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "ML_ENGINEER"];
const ADMINS: TRole[] = ["ADMIN"];

const MATRIX: Record<string, { allowed: readonly TRole[]; input?: unknown }> = {
  "approval.byId": { allowed: ALL, input: { id: "approval-nowhere" } },
  // No such request: the deciders get past authorisation to NOT_FOUND; a viewer never decides.
  "approval.decide": {
    allowed: ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "ML_ENGINEER"],
    input: { id: "approval-nowhere", verdict: "APPROVE" },
  },
  "approval.inboxCount": { allowed: ALL },
  "approval.list": { allowed: ALL, input: {} },
  "audit.list": { allowed: AUDIT_READERS, input: {} },
  "audit.verify": { allowed: AUDIT_READERS },
  "catalog.import": { allowed: EDITORS, input: { csv: "provider\n" } },
  "catalog.preview": { allowed: EDITORS, input: { csv: "provider\n" } },
  // The steward stewards claims-2025; the site does not exist, so nothing is written.
  "dataset.addReplica": {
    allowed: [...EDITORS, "DATA_STEWARD"],
    input: { datasetId: "dataset-claims-2025", siteId: "site-nowhere" },
  },
  "dataset.removeReplica": {
    allowed: [...EDITORS, "DATA_STEWARD"],
    input: { datasetId: "dataset-claims-2025", siteId: "site-nowhere" },
  },
  "dataset.byId": { allowed: ALL, input: { id: "dataset-claims-2025" } },
  "dataset.list": { allowed: ALL, input: {} },
  "dataset.options": { allowed: ALL },
  "dataset.replicaCandidates": { allowed: ALL, input: { id: "dataset-claims-2025" } },
  // Reads only; the workload is in the ML engineer's team, so every role gets the record.
  "evidence.workload": { allowed: ALL, input: { id: "workload-code-model-sft" } },
  "me.get": { allowed: ALL },
  "node.byId": { allowed: ALL, input: { id: "node-dc-ashburn-h100-001" } },
  "node.cordon": { allowed: EDITORS, input: { ids: ["node-nowhere"] } },
  "node.drain": { allowed: EDITORS, input: { ids: ["node-nowhere"] } },
  "node.uncordon": { allowed: EDITORS, input: { ids: ["node-nowhere"] } },
  "node.create": { allowed: EDITORS, input: {} },
  "node.list": { allowed: ALL, input: {} },
  "node.options": { allowed: ALL },
  "overview.get": { allowed: ALL },
  "policy.list": { allowed: ALL },
  "policy.history": { allowed: ALL, input: { key: "spend-over-25k" } },
  // Empty inputs fail validation after the role check: nothing is written.
  "policy.create": { allowed: ["ADMIN"], input: {} },
  "policy.update": { allowed: ["ADMIN"], input: {} },
  "site.byId": { allowed: ALL, input: { id: "site-dc-ashburn" } },
  "site.create": { allowed: EDITORS, input: {} },
  "site.update": { allowed: EDITORS, input: {} },
  "site.decommission": { allowed: EDITORS, input: { id: "site-nowhere" } },
  "site.list": { allowed: ALL, input: {} },
  "site.locations": { allowed: ALL },
  "team.byId": { allowed: ALL, input: { id: "team-applied-ml" } },
  "team.list": { allowed: ALL, input: {} },
  "team.updateQuotas": { allowed: EDITORS, input: {} },
  "workload.byId": { allowed: ALL, input: { id: "workload-nowhere" } },
  "workload.formOptions": { allowed: ALL },
  "workload.list": { allowed: ALL, input: {} },
  "workload.preview": { allowed: ALL, input: {} },
  "workload.submit": {
    allowed: SUBMITTERS,
    input: {
      spec: {
        name: "authz-draft",
        kind: "BATCH_INFERENCE",
        teamId: "team-applied-ml",
        gpu: { count: 1 },
        gpuModels: ["L4"],
        estimatedHours: 1,
      },
      asDraft: true,
    },
  },
  // code-model-sft belongs to Applied ML, the engineer's team, and is RUNNING: these are refused as illegal, not as forbidden.
  "workload.place": { allowed: SUBMITTERS, input: { id: "workload-code-model-sft" } },
  "workload.schedule": { allowed: SUBMITTERS, input: { id: "workload-code-model-sft", decisionId: "none" } },
  "workload.transition": { allowed: SUBMITTERS, input: { id: "workload-code-model-sft", to: "RUNNING" } },
  // Reads and dry runs: every role; unknown ids are NOT_FOUND, empty specs fail validation.
  "workload.decision": { allowed: ALL, input: { id: "workload-nowhere" } },
  "workload.whyNot": { allowed: ALL, input: { id: "workload-nowhere", siteId: "site-dc-ashburn" } },
  "workload.batchRecommend": { allowed: ALL, input: {} },
  // The team check passes first, then the over-long reason fails validation: nothing is cancelled.
  "workload.cancel": {
    allowed: SUBMITTERS,
    input: { id: "workload-code-model-sft", reason: "x".repeat(600) },
  },
  "workload.finishTransfer": { allowed: EDITORS, input: { id: "transfer-nowhere", outcome: "COMPLETED" } },
  // Webhooks hold signing secrets: admins only. Unknown ids and invalid input write nothing.
  "webhook.list": { allowed: ADMINS },
  "webhook.create": { allowed: ADMINS, input: {} },
  "webhook.update": { allowed: ADMINS, input: { id: "webhook-nowhere", enabled: false } },
  "webhook.remove": { allowed: ADMINS, input: { id: "webhook-nowhere" } },
  "webhook.rotateSecret": { allowed: ADMINS, input: { id: "webhook-nowhere" } },
  "webhook.sendTest": { allowed: ADMINS, input: { id: "webhook-nowhere" } },
  "webhook.deliveries": { allowed: ADMINS, input: {} },
  "webhook.redeliver": { allowed: ADMINS, input: { id: "delivery-nowhere" } },
  // Everyone manages their own tokens; empty inputs fail validation and unknown ids are NOT_FOUND.
  "token.list": { allowed: ALL, input: {} },
  "token.create": { allowed: ALL, input: {} },
  "token.createAgent": { allowed: EDITORS, input: {} },
  "token.revoke": { allowed: ALL, input: { id: "token-nowhere" } },
  "token.serviceAccounts": { allowed: ADMINS },
  "token.createServiceAccount": { allowed: ADMINS, input: {} },
  "token.setServiceAccountDisabled": { allowed: ADMINS, input: { id: "user-nowhere", disabled: true } },
};

const USERS: Record<TRole, TSessionUser> = {
  ADMIN: { id: "user-admin", email: "admin@switchyard.demo", name: "Ada", role: "ADMIN" },
  PLATFORM_ENGINEER: {
    id: "user-platform",
    email: "platform@switchyard.demo",
    name: "Pat",
    role: "PLATFORM_ENGINEER",
  },
  DATA_STEWARD: { id: "user-steward", email: "steward@switchyard.demo", name: "Sam", role: "DATA_STEWARD" },
  ML_ENGINEER: { id: "user-engineer", email: "engineer@switchyard.demo", name: "Eli", role: "ML_ENGINEER" },
  VIEWER: { id: "user-viewer", email: "viewer@switchyard.demo", name: "Val", role: "VIEWER" },
};

const createCaller = createCallerFactory(appRouter);
type TCallable = (input?: unknown) => Promise<unknown>;

describe("authorisation matrix", () => {
  it("has an entry for every procedure", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(MATRIX).sort());
  });
});

describe.each(await testDbKinds())("authorisation matrix [%s]", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("allows and denies every procedure for every role as the matrix says", async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [path, entry] of Object.entries(MATRIX)) {
      for (const role of ROLES) {
        const caller = createCaller(
          createInnerContext({ prisma: t.db.prisma, user: USERS[role] }),
        ) as unknown as Record<string, Record<string, TCallable>>;
        const [router, procedure] = path.split(".") as [string, string];
        const call = caller[router]?.[procedure];
        if (!call) throw new Error(`no caller for ${path}`);
        const code = await call(entry.input).then(
          () => "ok",
          (error: { code?: string }) => error.code ?? "error",
        );
        outcomes.push(`${path} as ${role}: ${code === "FORBIDDEN" ? "denied" : "allowed"}`);
        expected.push(`${path} as ${role}: ${entry.allowed.includes(role) ? "allowed" : "denied"}`);
      }
    }
    expect(outcomes).toEqual(expected);
    // Anonymous callers get nothing.
    const anonymous = createCaller(createInnerContext({ prisma: t.db.prisma, user: null }));
    await expect(anonymous.overview.get()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

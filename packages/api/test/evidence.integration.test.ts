import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { evidenceToCsv } from "../src/governance/evidence-csv.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { approveAll, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const RESEARCHER: TSessionUser = {
  id: "user-researcher",
  email: "researcher@switchyard.demo",
  name: "Rae",
  role: "ML_ENGINEER",
};

const CSV_HEADER = [
  "section",
  "time",
  "end_time",
  "subject",
  "status",
  "actor",
  "site",
  "jurisdiction",
  "policy",
  "gpus",
  "bytes",
  "usd",
  "detail",
];

function csvRows(csv: string): Record<string, string>[] {
  const [header, ...rows] = parse(csv) as string[][];
  expect(header).toEqual(CSV_HEADER);
  return rows.map((row) => Object.fromEntries(CSV_HEADER.map((name, i) => [name, row[i] ?? ""])));
}

describeEachDb("workload evidence", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  /** A workload run start to finish through the real procedures, with a dataset copy and an approval. */
  let ownId = "";

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const engineer = as(USERS.engineer);
    // Cloud only, reading a dataset that lives on-prem: its placement must copy the data.
    const { id } = await engineer.workload.submit({
      spec: {
        name: "evidence-batch",
        kind: "BATCH_INFERENCE",
        teamId: "team-applied-ml",
        gpu: { count: 1 },
        gpuModels: ["L4", "L40S", "A10G", "A100-80GB", "H100"],
        estimatedHours: 2,
        datasetIds: ["dataset-code-corpus-v4"],
        requiredCertifications: [],
        allowedKinds: ["CLOUD"],
        priority: 10,
        preemptible: false,
        dependsOn: [],
      },
    });
    ownId = id;
    const placed = await engineer.workload.byId({ id });
    // Run it at the runner-up instead of the recommendation: an override, which an admin approves.
    const runnerUp = placed.decision?.candidates.candidates[1]?.siteId ?? "";
    await engineer.workload.schedule({
      id,
      decisionId: placed.decision?.id ?? "",
      override: { siteId: runnerUp, reason: "next to the team's object store" },
    });
    await approveAll(t.db, id);
    const transfers = await t.db.prisma.dataTransfer.findMany({ where: { workloadId: id } });
    for (const transfer of transfers)
      await as(USERS.platform).workload.finishTransfer({ id: transfer.id, outcome: "COMPLETED" });
    await engineer.workload.transition({ id, to: "RUNNING" });
    await engineer.workload.transition({ id, to: "SUCCEEDED", reason: "batch done" });
  });
  afterAll(() => t.cleanup());

  it("shows where the seeded running workload runs, on which nodes, and how it got there", async () => {
    const evidence = await as(USERS.engineer).evidence.workload({ id: "workload-claims-risk-model" });
    expect(evidence.workload).toMatchObject({
      name: "claims-risk-model",
      state: "RUNNING",
      team: { slug: "health-ai" },
      gpu: { count: 32, gangNodes: 4, gpusPerNode: 8 },
      site: { slug: "dc-ashburn", country: "US", jurisdiction: "US" },
    });
    expect(evidence.datasets).toEqual([
      expect.objectContaining({
        slug: "claims-2025",
        classification: "REGULATED",
        residencyCountries: ["US"],
        onPremOnly: false,
        stewards: ["steward@switchyard.demo"],
      }),
    ]);
    expect(evidence.allocations).toHaveLength(4);
    for (const allocation of evidence.allocations) {
      expect(allocation).toMatchObject({ gpus: 8, gpuModel: "H100", status: "ACTIVE", to: null });
      expect(allocation.site.slug).toBe("dc-ashburn");
      expect(allocation.node.hostname).toMatch(/h100/);
    }
    expect(evidence.transfers).toEqual([]);
    expect(evidence.timeline.map((e) => `${e.from ?? "-"}>${e.to}`)).toEqual([
      "->PENDING",
      "PENDING>AWAITING_APPROVAL",
      "AWAITING_APPROVAL>SCHEDULED",
      "SCHEDULED>RUNNING",
    ]);
    expect(evidence.timeline[0]?.actor).toBe("engineer@switchyard.demo");
    expect(evidence.audit.verification).toMatchObject({ ok: true, broken: [] });
  });

  it("records a workload run through the procedures: decision, nodes released, data moved, approval, audit", async () => {
    const evidence = await as(USERS.engineer).evidence.workload({ id: ownId });
    const site = evidence.workload.site;
    expect(site?.kind).toBe("CLOUD");
    expect(evidence.workload.state).toBe("SUCCEEDED");

    expect(evidence.decisions).toHaveLength(1);
    expect(evidence.decisions[0]).toMatchObject({
      engineVersion: "placement/1",
      profile: "balanced",
      feasible: true,
      status: "OVERRIDDEN",
      chosenSite: { id: site?.id, country: site?.country, jurisdiction: site?.jurisdiction },
      decidedBy: "engineer@switchyard.demo",
      overrideReason: "next to the team's object store",
    });
    expect(evidence.decisions[0]?.recommendedSite?.id).not.toBe(site?.id);
    expect(evidence.decisions[0]?.estimatedCostUsd).toBeGreaterThan(0);

    // Released GPUs stay in the record, with when they were let go.
    expect(evidence.allocations).toHaveLength(1);
    expect(evidence.allocations[0]).toMatchObject({ gpus: 1, status: "RELEASED", site: { id: site?.id } });
    expect(evidence.allocations[0]?.to).toBeInstanceOf(Date);

    expect(evidence.transfers).toHaveLength(1);
    const transfer = evidence.transfers[0];
    expect(transfer).toMatchObject({
      dataset: { slug: "code-corpus-v4" },
      destination: { id: site?.id },
      status: "COMPLETED",
    });
    expect(["site-dc-ashburn", "site-dc-frankfurt"]).toContain(transfer?.source.id);
    expect(transfer?.crossesJurisdiction).toBe(transfer?.source.jurisdiction !== site?.jurisdiction);
    expect(BigInt(transfer?.bytes ?? "0")).toBe(36_000n * 1024n ** 3n);

    expect(evidence.timeline.map((e) => e.to)).toEqual([
      "PENDING",
      "AWAITING_APPROVAL",
      "SCHEDULED",
      "RUNNING",
      "SUCCEEDED",
    ]);
    expect(evidence.approvals).toEqual([
      expect.objectContaining({
        status: "APPROVED",
        requestedBy: "engineer@switchyard.demo",
        steps: expect.arrayContaining([
          expect.objectContaining({
            policy: expect.objectContaining({
              key: "placement-override",
              version: 1,
              kind: "PLACEMENT_OVERRIDE",
            }),
            approvers: ["role:ADMIN"],
            requiredApprovals: 1,
            status: "APPROVED",
            decisions: [expect.objectContaining({ decider: "admin@switchyard.demo", verdict: "APPROVE" })],
          }),
        ]),
      }),
    ]);

    // The workload's own events, in order, with the approval's and the override's in between.
    const actions = evidence.audit.events.map((e) => e.action);
    const own = ["workload.submit", "workload.place", "workload.awaiting_approval", "workload.scheduled"];
    expect(actions.filter((a) => own.includes(a))).toEqual(own);
    expect(actions).toEqual(
      expect.arrayContaining([
        "approval.request",
        "approval.approve",
        "approval.approved",
        "placement.override",
        "transfer.completed",
        "workload.running",
        "workload.succeeded",
      ]),
    );
    expect(evidence.audit.events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect(evidence.audit.verification).toMatchObject({ ok: true, checked: actions.length });
  });

  it("exports the same record as CSV, one row per fact", async () => {
    const evidence = await as(USERS.engineer).evidence.workload({ id: ownId });
    const rows = csvRows(evidenceToCsv(evidence));
    const sections = (name: string) => rows.filter((r) => r.section === name);
    expect(sections("workload")).toHaveLength(1);
    expect(sections("workload")[0]).toMatchObject({ subject: "evidence-batch", status: "SUCCEEDED" });
    expect(sections("event")).toHaveLength(5);
    expect(sections("allocation")[0]).toMatchObject({ status: "RELEASED", gpus: "1" });
    expect(sections("allocation")[0]?.end_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(sections("transfer")[0]).toMatchObject({
      subject: "code-corpus-v4",
      bytes: String(36_000n * 1024n ** 3n),
    });
    expect(sections("transfer")[0]?.site).toMatch(/^dc-(ashburn|frankfurt) -> /);
    expect(sections("approval_step").map((r) => r.policy)).toContain(
      "placement-override v1 (PLACEMENT_OVERRIDE)",
    );
    expect(sections("approval_decision").map((r) => [r.status, r.actor])).toContainEqual([
      "APPROVE",
      "admin@switchyard.demo",
    ]);
    expect(sections("audit")).toHaveLength(evidence.audit.events.length);
    expect(sections("audit_verification")[0]?.status).toBe("INTACT");
  });

  it("is not found for an ML engineer outside the workload's team, as workload.byId is", async () => {
    // claims-risk-model belongs to Health AI; the researcher is in Foundation Models only.
    expect(
      await errorOf(as(RESEARCHER).evidence.workload({ id: "workload-claims-risk-model" })),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await errorOf(as(RESEARCHER).workload.byId({ id: "workload-claims-risk-model" }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await errorOf(as(USERS.viewer).evidence.workload({ id: "workload-nowhere" }))).code).toBe(
      "NOT_FOUND",
    );
    // Roles that run the estate see every team's workloads, and so their evidence.
    await expect(as(USERS.steward).evidence.workload({ id: ownId })).resolves.toBeDefined();
  });

  it("flags an edited audit event of the workload", async () => {
    const events = await t.db.prisma.auditEvent.findMany({
      where: { objectType: "Workload", objectId: ownId },
      orderBy: { seq: "asc" },
    });
    const edited = events[1];
    await t.db.prisma
      .$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else@example.com' WHERE "seq" = ${edited?.seq}`;
    const { verification } = (await as(USERS.admin).evidence.workload({ id: ownId })).audit;
    expect(verification).toMatchObject({
      ok: false,
      broken: [{ seq: String(edited?.seq), reason: expect.stringContaining("was edited") }],
    });
  });
});

import type { PrismaClient } from "@switchyard/db";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { readFairShareInputs } from "../src/fairshare/estate.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const GRACE = 120;

/**
 * A small estate of its own: one department with two teams on one site of 8 H100s (a second
 * site joins for the "room elsewhere" case). Team A is guaranteed all 8; team B none, with a
 * limit of 8, so B may borrow what A leaves idle and A takes it back.
 */
async function seedEstate(prisma: PrismaClient) {
  await prisma.user.createMany({
    data: [USERS.platform, USERS.engineer, USERS.viewer].map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
    })),
  });
  await prisma.teamGroup.create({ data: { id: "org", slug: "org", name: "Org", kind: "ORGANISATION" } });
  await prisma.teamGroup.create({
    data: { id: "dept", slug: "dept", name: "Dept", kind: "DEPARTMENT", parentId: "org" },
  });
  for (const [id, guaranteed] of [
    ["team-a", 8],
    ["team-b", 0],
  ] as const) {
    await prisma.team.create({
      data: {
        id,
        slug: id,
        name: id === "team-a" ? "Team A" : "Team B",
        groupId: "dept",
        quotas: { create: { gpuModel: "H100", guaranteedGpus: guaranteed, limitGpus: 8 } },
      },
    });
  }
  await prisma.membership.create({ data: { userId: USERS.engineer.id, teamId: "team-b" } });
  await addSite(prisma, "site-one");
}

async function addSite(prisma: PrismaClient, id: string) {
  await prisma.site.create({
    data: {
      id,
      slug: id,
      name: id,
      kind: "ON_PREM",
      provider: "onprem",
      region: "local",
      country: "DE",
      jurisdiction: "EU",
      certifications: [],
      wanGbps: 10,
      egressUsdPerGb: 0,
      carbonGPerKwh: 100,
      latitude: 50,
      longitude: 8,
      prices: { create: { gpuModel: "H100", usdPerGpuHour: 2, source: "test" } },
      nodes: {
        create: {
          id: `${id}-node`,
          hostname: `${id}-node`,
          gpuModel: "H100",
          gpuCount: 8,
          gpuMemoryGib: 80,
          fabric: "f1",
          interconnect: "NVLink 4",
          status: "READY",
        },
      },
    },
  });
}

const spec = (name: string, teamId: string, priority = 10): TWorkloadSpec =>
  ({
    name,
    kind: "TRAINING",
    teamId,
    gpu: { count: 8 },
    gpuModels: ["H100"],
    estimatedHours: 2,
    datasetIds: [],
    requiredCertifications: [],
    allowedKinds: [],
    priority,
    preemptible: true,
    dependsOn: [],
  }) as unknown as TWorkloadSpec;

describeEachDb("fair sharing", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  const tick = (now: Date) =>
    runReconcileTick(t.db.prisma, {
      holder: `fair-${kind}`,
      silenceSeconds: 86_400,
      retryAfterSeconds: 0,
      reclaimGraceSeconds: GRACE,
      now,
    });
  /** Submitted and left for the loop (no decision yet), as work arriving between ticks is. */
  const submit = async (s: TWorkloadSpec) => {
    const { id } = await as(USERS.platform).workload.submit({ spec: s, asDraft: true });
    await t.db.prisma.workload.update({ where: { id }, data: { state: "PENDING" } });
    return id;
  };
  const stateOf = async (id: string) =>
    (await t.db.prisma.workload.findUniqueOrThrow({ where: { id }, select: { state: true } })).state;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedEstate(t.db.prisma);
  });
  afterAll(() => t.cleanup());

  let borrower = "";
  let owner = "";
  const t0 = new Date();

  it("lets a team borrow idle GPUs above its guarantee, up to its limit, and marks them BORROWED", async () => {
    borrower = await submit(spec("borrower", "team-b"));
    const report = await tick(t0);
    expect(report.scheduled).toContain(borrower);
    const w = await t.db.prisma.workload.findUniqueOrThrow({
      where: { id: borrower },
      select: { state: true, share: true, allocations: { select: { share: true, gpus: true } } },
    });
    expect(w.state).toBe("SCHEDULED");
    expect(w.share).toBe("BORROWED");
    expect(w.allocations).toEqual([{ share: "BORROWED", gpus: 8 }]);
    const history = await as(USERS.viewer).fairShare.teamHistory({ id: "team-b", days: 1 });
    expect(history.points.at(-1)).toMatchObject({ usedGpus: 8, borrowedGpus: 8 });
    expect(history.guaranteedGpus).toBe(0);
  });

  it("reclaims borrowed GPUs for a team below its guarantee after the grace period, with the reason on both", async () => {
    owner = await submit(spec("owner", "team-a"));
    const first = await tick(new Date(t0.getTime() + 1_000));
    expect(first.reclaimsStarted).toEqual([borrower]);
    expect(first.scheduled).not.toContain(owner);
    const reclaim = await t.db.prisma.reclaim.findFirstOrThrow({ where: { victimId: borrower } });
    expect(reclaim).toMatchObject({ beneficiaryId: owner, status: "GRACE", gpus: 8 });
    expect(reclaim.graceEndsAt.getTime()).toBe(t0.getTime() + 1_000 + GRACE * 1_000);
    expect(reclaim.reason).toContain("borrowed");

    // Within the grace period nothing more happens, and the victim is not told twice.
    const during = await tick(new Date(t0.getTime() + (GRACE - 10) * 1_000));
    expect(during.reclaimsStarted).toEqual([]);
    expect(during.reclaimsFinished?.preempted).toEqual([]);
    expect(await stateOf(borrower)).toBe("SCHEDULED");

    const after = await tick(new Date(t0.getTime() + (GRACE + 5) * 1_000));
    expect(after.reclaimsFinished?.preempted).toEqual([reclaim.id]);
    // The GPUs go to the workload they were reclaimed for, in the same tick; the borrower queues again.
    expect(after.scheduled).toContain(owner);
    expect(after.scheduled).not.toContain(borrower);
    expect(await stateOf(borrower)).toBe("PENDING");
    const victimEvents = await t.db.prisma.workloadEvent.findMany({
      where: { workloadId: borrower },
      orderBy: { createdAt: "asc" },
    });
    const preempted = victimEvents.find((e) => e.toState === "PREEMPTED");
    expect(preempted?.reason).toContain(owner);
    expect(victimEvents.some((e) => e.reason.includes("to be preempted"))).toBe(true);
    const ownerEvents = await t.db.prisma.workloadEvent.findMany({ where: { workloadId: owner } });
    expect(ownerEvents.some((e) => e.reason.includes(`reclaimed for it: ${borrower} was preempted`))).toBe(
      true,
    );
    expect(await auditCount(t.db, borrower, "workload.reclaim.start")).toBe(1);
    expect(await auditCount(t.db, borrower, "workload.preempted")).toBe(1);
    // The borrower's GPUs are released: the executor loop stops its scheduler job (no ACTIVE allocation).
    expect(await t.db.prisma.allocation.count({ where: { workloadId: borrower, status: "ACTIVE" } })).toBe(0);

    const next = await tick(new Date(t0.getTime() + (GRACE + 10) * 1_000));
    expect(next.reclaimsStarted).toEqual([]); // Team B is not below its guarantee: no reclaim back
    expect(await stateOf(borrower)).toBe("PENDING");
    const w = await t.db.prisma.workload.findUniqueOrThrow({ where: { id: owner }, select: { share: true } });
    expect(w.share).toBe("GUARANTEED");
  });

  it("explains the queue: position, what each workload waits for and an expected start", async () => {
    const queue = await as(USERS.viewer).fairShare.queue({});
    const row = queue.rows.find((r) => r.workloadId === borrower);
    expect(row).toMatchObject({ position: 1, waitingFor: "CAPACITY", teamId: "team-b" });
    // The owner's 2-hour run holds the GPUs: the borrower starts when it ends.
    const ownerStart = (await t.db.prisma.allocation.findFirstOrThrow({ where: { workloadId: owner } }))
      .createdAt;
    expect(row?.expectedStartAt?.getTime()).toBe(ownerStart.getTime() + 2 * 3_600_000);
    const mine = await as(USERS.engineer).fairShare.workload({ id: borrower });
    expect(mine.standing?.position).toBe(1);
    // Team A's member-less workloads are hidden from Team B's engineer, positions stay.
    const engineerQueue = await as(USERS.engineer).fairShare.queue({});
    expect(engineerQueue.rows.every((r) => r.teamId === "team-b")).toBe(true);

    const blocked = await submit({
      ...spec("after-borrower", "team-b"),
      dependsOn: [borrower],
    } as TWorkloadSpec);
    const withDependency = await as(USERS.viewer).fairShare.workload({ id: blocked });
    expect(withDependency.standing).toMatchObject({ waitingFor: "DEPENDENCY", expectedStartAt: null });
    expect(withDependency.standing?.expectedStartNote).toMatch(/^unknown/);
    await t.db.prisma.workload.update({ where: { id: blocked }, data: { state: "CANCELLED" } });
  });

  it("orders pending work by dominant share over weight: a team under its share goes first", async () => {
    // Team A holds all 8 GPUs; both teams queue one more. B (share 0) goes before A (share 1).
    const fromA = await submit(spec("a-second", "team-a", 90));
    const queue = await as(USERS.viewer).fairShare.queue({});
    const positions = new Map(queue.rows.map((r) => [r.workloadId, r.position]));
    expect(positions.get(borrower)).toBeLessThan(positions.get(fromA) ?? 0);
    expect(queue.rows.find((r) => r.workloadId === fromA)?.fairShare).toContain("team-a");
    await t.db.prisma.workload.update({ where: { id: fromA }, data: { state: "CANCELLED" } });
  });

  it("never preempts when another site has room", async () => {
    await addSite(t.db.prisma, "site-two");
    const before = await t.db.prisma.reclaim.count();
    const report = await tick(new Date(t0.getTime() + (GRACE + 20) * 1_000));
    expect(report.scheduled).toContain(borrower);
    expect(report.reclaimsStarted).toEqual([]);
    expect(await t.db.prisma.reclaim.count()).toBe(before);
  });

  it("manages the hierarchy with field-named errors and audit events", async () => {
    const editor = as(USERS.platform);
    const second = await errorOf(
      editor.fairShare.createGroup({ slug: "org-two", name: "Org two", kind: "ORGANISATION" }),
    );
    expect(second).toMatchObject({ code: "CONFLICT", fields: ["kind"] });
    const nested = await errorOf(
      editor.fairShare.createGroup({ slug: "sub", name: "Sub", kind: "DEPARTMENT", parentId: "dept" }),
    );
    expect(nested).toMatchObject({ code: "BAD_REQUEST", fields: ["parentId"] });
    const badWeight = await errorOf(
      editor.fairShare.setTeam({ teamId: "team-a", groupId: null, weight: -1 }),
    );
    expect(badWeight).toMatchObject({ code: "BAD_REQUEST", fields: ["weight"] });
    const duplicate = await errorOf(
      editor.fairShare.createGroup({ slug: "dept", name: "Again", kind: "DEPARTMENT" }),
    );
    expect(duplicate).toMatchObject({ code: "CONFLICT", fields: ["slug"] });

    const group = await editor.fairShare.createGroup({
      slug: "research",
      name: "Research",
      kind: "DEPARTMENT",
      parentId: "org",
      weight: 2,
    });
    await editor.fairShare.setTeam({ teamId: "team-b", groupId: group.id, weight: 3 });
    const tree = await as(USERS.viewer).fairShare.hierarchy();
    expect(tree.teams.find((x) => x.id === "team-b")).toMatchObject({ groupId: group.id, weight: 3 });
    expect(await auditCount(t.db, "team-b", "team.fair-share.update")).toBe(1);
    expect(await errorOf(editor.fairShare.deleteGroup({ id: "org" }))).toMatchObject({ code: "CONFLICT" });
    await editor.fairShare.deleteGroup({ id: group.id });
    expect(
      (await as(USERS.viewer).fairShare.hierarchy()).teams.find((x) => x.id === "team-b")?.groupId,
    ).toBeNull();
  });

  it("scopes a guarantee to a site group (the sites the engine is given), and keeps a group in use", async () => {
    const editor = as(USERS.platform);
    const missingSite = await errorOf(
      editor.fairShare.createSiteGroup({ slug: "two", name: "Two", siteIds: ["site-two", "site-nowhere"] }),
    );
    expect(missingSite).toMatchObject({ code: "NOT_FOUND", fields: ["siteIds.1"] });
    const empty = await errorOf(
      editor.fairShare.createSiteGroup({ slug: "none", name: "None", siteIds: [] }),
    );
    expect(empty).toMatchObject({ code: "BAD_REQUEST", fields: ["siteIds"] });
    const refused = await errorOf(
      as(USERS.engineer).fairShare.createSiteGroup({ slug: "two", name: "Two", siteIds: ["site-two"] }),
    );
    expect(refused).toMatchObject({ code: "FORBIDDEN" });

    const group = await editor.fairShare.createSiteGroup({
      slug: "two",
      name: "Site two",
      siteIds: ["site-two"],
    });
    expect(group.sites.map((x) => x.id)).toEqual(["site-two"]);
    expect(await auditCount(t.db, group.id, "site-group.create")).toBe(1);
    const duplicate = await errorOf(
      editor.fairShare.createSiteGroup({ slug: "two", name: "Again", siteIds: ["site-one"] }),
    );
    expect(duplicate).toMatchObject({ code: "CONFLICT", fields: ["slug"] });

    const unknownGroup = await errorOf(
      editor.team.updateQuotas({
        teamId: "team-a",
        quotas: [{ gpuModel: "H100", guaranteedGpus: 8, limitGpus: 8, siteGroupId: "site-group-nowhere" }],
      }),
    );
    expect(unknownGroup).toMatchObject({ code: "NOT_FOUND", fields: ["quotas.0.siteGroupId"] });
    await editor.team.updateQuotas({
      teamId: "team-a",
      quotas: [{ gpuModel: "H100", guaranteedGpus: 8, limitGpus: 8, siteGroupId: group.id }],
    });
    expect((await as(USERS.viewer).team.quotas({ id: "team-a" })).quotas).toMatchObject([
      { gpuModel: "H100", guaranteedGpus: 8, siteGroupId: group.id },
    ]);
    // What the loop hands the engine: team A's guarantee holds on site two only.
    const inputs = await readFairShareInputs(t.db.prisma);
    expect(inputs.tree.nodes.find((n) => n.id === "team-a")?.siteIds).toEqual(["site-two"]);
    const [listed] = await as(USERS.viewer).fairShare.siteGroups();
    expect(listed?.quotas).toEqual([{ teamId: "team-a", teamName: "Team A", gpuModel: "H100" }]);

    const inUse = await errorOf(editor.fairShare.deleteSiteGroup({ id: group.id }));
    expect(inUse).toMatchObject({ code: "CONFLICT" });
    expect(inUse.message).toContain("Team A");
    const moved = await editor.fairShare.updateSiteGroup({ id: group.id, siteIds: ["site-one", "site-two"] });
    expect(moved.sites.map((x) => x.id)).toEqual(["site-one", "site-two"]);
    expect(
      (await readFairShareInputs(t.db.prisma)).tree.nodes.find((n) => n.id === "team-a")?.siteIds,
    ).toEqual(["site-one", "site-two"]);
    await editor.team.updateQuotas({
      teamId: "team-a",
      quotas: [{ gpuModel: "H100", guaranteedGpus: 8, limitGpus: 8, siteGroupId: null }],
    });
    await editor.fairShare.deleteSiteGroup({ id: group.id });
    expect(await as(USERS.viewer).fairShare.siteGroups()).toEqual([]);
    expect(await auditCount(t.db, group.id, "site-group.delete")).toBe(1);
  });
});

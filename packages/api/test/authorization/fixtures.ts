import type { PrismaClient, Role } from "@switchyard/db";
import type { TSessionUser } from "../../src/auth/session.ts";
import { appRouter } from "../../src/root.ts";
import { createCallerFactory, createInnerContext } from "../../src/trpc.ts";
import { USERS } from "../helpers.ts";

/**
 * The objects the authorisation matrix calls procedures on, in a demo-seeded database. The
 * ML engineer (Eli) is in Applied ML and Health AI; "own team" is Applied ML, "other team"
 * Foundation Models. Requests and workloads are made by a requester who is none of the
 * callers, so "someone else asked" holds for everyone unless a case says otherwise.
 */
const OWN_TEAM = "team-applied-ml";
const OTHER_TEAM = "team-foundation-models";
const REQUESTER = { id: "user-authz-requester", email: "requester@authz.test", name: "Rae Requester" };
const OTHER_STEWARD = { id: "user-authz-steward", email: "other-steward@authz.test", name: "Oli Steward" };

type TTeam = "own" | "other";
const teamId = (team: TTeam) => (team === "own" ? OWN_TEAM : OTHER_TEAM);

export type TFixtures = Awaited<ReturnType<typeof createFixtures>>;

export async function createFixtures(prisma: PrismaClient) {
  await prisma.user.createMany({
    data: [
      { ...REQUESTER, role: "ML_ENGINEER" },
      { ...OTHER_STEWARD, role: "DATA_STEWARD" },
    ],
    skipDuplicates: true,
  });
  const engineerTeams = (
    await prisma.membership.findMany({ where: { userId: USERS.engineer.id }, select: { teamId: true } })
  ).map((m) => m.teamId);
  if (!engineerTeams.includes(OWN_TEAM) || engineerTeams.includes(OTHER_TEAM)) {
    throw new Error(`the demo seed changed: the ML engineer's teams are ${engineerTeams.join(", ")}`);
  }
  const foreign = await prisma.workload.findMany({
    where: { teamId: { notIn: engineerTeams } },
    select: { id: true, name: true },
  });
  /** Ids and names of every workload the ML engineer must never see; grows with the fixtures. */
  const otherTeamsWorkloads = foreign.flatMap((w) => [w.id, w.name]);
  const busy = await prisma.allocation.findFirstOrThrow({
    where: { workload: { teamId: { notIn: engineerTeams } } },
    select: { nodeId: true, node: { select: { siteId: true } } },
  });
  const sites = await prisma.site.findMany({
    where: { status: "ACTIVE", kind: "CLOUD" },
    orderBy: { id: "asc" },
    take: 2,
    select: { id: true },
  });
  const [siteA, siteB] = sites;
  if (!siteA || !siteB) throw new Error("the demo seed has fewer than two active cloud sites");
  const policy = await prisma.policy.findFirstOrThrow({ orderBy: { key: "asc" }, select: { id: true } });
  const admin = createCallerFactory(appRouter)(createInnerContext({ prisma, user: USERS.admin }));
  // Names stay unique when the matrix runs twice on one database (the mutation tests do).
  const run = Math.random().toString(36).slice(2, 8);
  let serial = 0;

  async function pendingWorkload(
    team: TTeam,
    state: "PENDING" | "AWAITING_APPROVAL" = "PENDING",
    submittedById = REQUESTER.id,
  ) {
    serial += 1;
    const name = `authz-${team}-${run}-${serial}`;
    const w = await prisma.workload.create({
      data: {
        name,
        kind: "BATCH_INFERENCE",
        state,
        teamId: teamId(team),
        submittedById,
        gpuCount: 1,
        gpuModels: ["L4"],
        estimatedHours: 1,
        requiredCertifications: [],
        allowedSiteKinds: [],
      },
      select: { id: true },
    });
    if (team === "other") otherTeamsWorkloads.push(w.id, name);
    return w.id;
  }

  async function approvalRequest(options: {
    team: TTeam;
    stepRole?: Role;
    stewardsOf?: "stewarded" | "other";
    requesterId?: string;
  }) {
    const requestedById = options.requesterId ?? REQUESTER.id;
    const workloadId = await pendingWorkload(options.team, "AWAITING_APPROVAL", requestedById);
    const datasetId = options.stewardsOf ? await dataset(options.stewardsOf === "stewarded") : null;
    const request = await prisma.approvalRequest.create({
      data: {
        kind: "WORKLOAD_PLACEMENT",
        workloadId,
        requestedById,
        summary: "authorisation matrix fixture",
        expiresAt: new Date(Date.now() + 24 * 3_600_000),
        steps: {
          create: [
            {
              order: 1,
              policyId: policy.id,
              approverKind: options.stewardsOf ? "DATASET_STEWARDS" : "ROLE",
              approverRole: options.stewardsOf ? null : (options.stepRole ?? "ADMIN"),
              datasetId,
              requiredApprovals: 1,
            },
            // A second step keeps the request PENDING after the first approval: nothing is scheduled.
            {
              order: 2,
              policyId: policy.id,
              approverKind: "ROLE",
              approverRole: "ADMIN",
              requiredApprovals: 1,
            },
          ],
        },
      },
      select: { id: true },
    });
    return request.id;
  }

  /** A fresh PUBLIC dataset with one replica at site A, stewarded by the demo steward or by another. */
  async function dataset(stewardedByTheSteward: boolean, replicaSites: string[] = [siteA?.id ?? ""]) {
    serial += 1;
    const d = await prisma.dataset.create({
      data: {
        slug: `authz-dataset-${run}-${serial}`,
        name: `authz dataset ${run} ${serial}`,
        sizeBytes: 1_000_000n,
        classification: "PUBLIC",
        regulations: [],
        residencyCountries: [],
        residencyJurisdictions: [],
        ownerTeamId: OWN_TEAM,
        stewards: { create: { userId: stewardedByTheSteward ? USERS.steward.id : OTHER_STEWARD.id } },
        replicas: { create: replicaSites.map((siteId) => ({ siteId, sizeBytes: 1_000_000n })) },
      },
      select: { id: true },
    });
    return d.id;
  }

  /** A fresh CONFIDENTIAL model of the team, trained on a fresh dataset. */
  async function model(team: TTeam) {
    serial += 1;
    const source = await dataset(true);
    const m = await prisma.dataset.create({
      data: {
        slug: `authz-model-${run}-${serial}`,
        name: `authz model ${run} ${serial}`,
        version: "v1",
        kind: "MODEL",
        sizeBytes: 1_000_000n,
        classification: "CONFIDENTIAL",
        regulations: [],
        residencyCountries: [],
        residencyJurisdictions: [],
        ownerTeamId: teamId(team),
        stewards: { create: { userId: USERS.steward.id } },
        replicas: { create: { siteId: siteA?.id ?? "", sizeBytes: 1_000_000n } },
        trainedOn: { create: { sourceId: source } },
      },
      select: { id: true },
    });
    return m.id;
  }

  const ownTeamRequestId = await approvalRequest({ team: "own" });
  const otherTeamRequestId = await approvalRequest({ team: "other" });

  return {
    otherTeamsWorkloads,
    ownTeamWorkloadId: "workload-code-model-sft",
    otherTeamWorkloadId: (
      await prisma.workload.findFirstOrThrow({ where: { teamId: OTHER_TEAM }, select: { id: true } })
    ).id,
    ownTeamRequestId,
    otherTeamRequestId,
    busyNodeId: busy.nodeId,
    busySiteId: busy.node.siteId,
    siteId: siteB.id,
    // A name of its own each time: a team has one active workload per name.
    spec: (team: TTeam) => ({
      name: `authz-spec-${team}-${run}-${++serial}`,
      kind: "BATCH_INFERENCE",
      teamId: teamId(team),
      gpu: { count: 1 },
      gpuModels: ["L4"],
      estimatedHours: 1,
    }),
    pendingWorkload: (team: TTeam) => pendingWorkload(team),
    /** A PENDING workload with a fresh decision: the input of workload.schedule. */
    placedWorkload: async (team: TTeam) => {
      const id = await pendingWorkload(team);
      const placed = await admin.workload.place({ id });
      if (!placed?.feasible) throw new Error(`fixture workload ${id} has no feasible placement`);
      return { id, decisionId: placed.decisionId };
    },
    approvalRequest,
    /** A fresh dataset, registered by the caller (dataset.create's input). */
    newDataset: () => {
      serial += 1;
      return {
        slug: `authz-new-dataset-${run}-${serial}`,
        name: `authz new dataset ${serial}`,
        sizeGb: 1,
        classification: "INTERNAL",
        regulations: [],
        residencyCountries: [],
        residencyJurisdictions: [],
        onPremOnly: false,
        ownerTeamId: OWN_TEAM,
        stewardIds: [],
        replicaSiteIds: [siteA.id],
      };
    },
    /** A fresh saved view of the nodes table owned by `userId` (the requester when not given). */
    savedView: async (userId: string = REQUESTER.id) => {
      serial += 1;
      const view = await prisma.savedView.create({
        data: { userId, table: "nodes", name: `authz view ${run}-${serial}`, query: "status=DRAINING" },
        select: { id: true },
      });
      return view.id;
    },
    /** A fresh what-if scenario (a price change), shared with one team or with everyone. */
    scenario: async (shared: TTeam | "everyone") => {
      serial += 1;
      const scenario = await prisma.scenario.create({
        data: {
          name: `authz scenario ${run}-${serial}`,
          changes: [{ kind: "price", siteId: "site-dc-ashburn", gpuModel: "H100", usdPerGpuHour: 2.5 }],
          createdById: REQUESTER.id,
          teamId: shared === "everyone" ? null : teamId(shared),
        },
        select: { id: true },
      });
      return scenario.id;
    },
    model,
    /** dataset.update's input on a fresh dataset, keeping its steward. */
    datasetChange: async (options: { stewarded: boolean }) => ({
      id: await dataset(options.stewarded),
      data: {
        name: "authz dataset, renamed",
        sizeGb: 2,
        classification: "CONFIDENTIAL",
        regulations: [],
        residencyCountries: [],
        residencyJurisdictions: [],
        onPremOnly: false,
        ownerTeamId: OWN_TEAM,
        stewardIds: [options.stewarded ? USERS.steward.id : OTHER_STEWARD.id],
      },
    }),
    /** Input of addReplica (a site without a replica) or removeReplica (one of two replicas). */
    replicaChange: async (options: { stewarded: boolean; existing: boolean }) => ({
      datasetId: await dataset(options.stewarded, options.existing ? [siteA.id, siteB.id] : [siteA.id]),
      siteId: siteB.id,
    }),
  } satisfies Record<string, unknown> & { spec: (team: TTeam) => unknown };
}

export type { TSessionUser };

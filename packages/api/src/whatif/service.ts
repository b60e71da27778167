import type { Prisma, PrismaClient } from "@switchyard/db";
import {
  ADDED_NODE_PREFIX,
  PlacementInputError,
  replayScenario,
  type TScenarioChange,
  type TScenarioService,
  type TWorkloadRequestInput,
} from "@switchyard/placement";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { replicasHoldingGpus, serviceSpec } from "../inference/plan.ts";
import { activeExclusions, serviceRejectBackoffFromEnv } from "../inference/rejections.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { timePlacement } from "../observability/metrics.ts";
import type { TSaveScenarioInput } from "../router/what-if/what-if.schema.ts";
import { changeNodeStatusIn } from "../services/nodes.ts";
import { withHardBudgets } from "../services/team-budget.ts";
import { currentEstate } from "../workloads/service.ts";
import { toRequest } from "../workloads/snapshot.ts";

type TCtx = { prisma: PrismaClient; user: TSessionUser };

const SCENARIO_COLUMNS = {
  id: true,
  name: true,
  description: true,
  changes: true,
  teamId: true,
  drainedAt: true,
  createdAt: true,
  updatedAt: true,
  team: { select: { id: true, name: true } },
  createdBy: { select: { id: true, name: true, email: true } },
  drainedById: true,
} satisfies Prisma.ScenarioSelect;

/** States whose work the replay places: waiting work, and work that holds GPUs now. */
const WAITING = ["PENDING", "AWAITING_APPROVAL"] as const;

/** Scenarios the user may see: shared with everyone, or with one of their teams (operators see all). */
async function visibleWhere(ctx: TCtx): Promise<Prisma.ScenarioWhereInput> {
  const scope = await teamScope(ctx.prisma, ctx.user);
  return scope === null ? {} : { OR: [{ teamId: null }, { teamId: { in: scope } }] };
}

export async function listScenarios(ctx: TCtx) {
  const rows = await ctx.prisma.scenario.findMany({
    where: await visibleWhere(ctx),
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    select: SCENARIO_COLUMNS,
  });
  return rows.map(view);
}

export async function getScenarioOrThrow(ctx: TCtx, id: string) {
  const row = await ctx.prisma.scenario.findFirst({
    where: { AND: [{ id }, await visibleWhere(ctx)] },
    select: SCENARIO_COLUMNS,
  });
  if (!row) {
    throw new AppError("NOT_FOUND", `scenario ${id} not visible to ${ctx.user.email}`, {
      userMessage: "This scenario does not exist, or it is shared with a team you are not in.",
    });
  }
  return view(row);
}

function view<T extends { changes: Prisma.JsonValue }>(
  row: T,
): Omit<T, "changes"> & { changes: TScenarioChange[] } {
  return { ...row, changes: row.changes as unknown as TScenarioChange[] };
}

/**
 * Creates a scenario, or replaces one's name, description, changes and team. The changes are
 * checked against the current estate first (a missing site, a selector matching no node...),
 * so a saved scenario always ran once.
 */
export async function saveScenario(ctx: TMutationContext, input: TSaveScenarioInput) {
  await replay(ctx, input.changes);
  if (input.teamId) {
    const team = await ctx.prisma.team.findUnique({ where: { id: input.teamId }, select: { id: true } });
    if (!team) {
      throw new AppError("INVALID_REQUEST", `team ${input.teamId} not found`, {
        userMessage: "There is no such team to share the scenario with.",
        field: "teamId",
      });
    }
  }
  const data = {
    name: input.name,
    description: input.description,
    changes: input.changes as unknown as Prisma.InputJsonValue,
    teamId: input.teamId ?? null,
  };
  return auditedTransaction(ctx, async (tx, audit) => {
    if (input.id) {
      const before = await tx.scenario.findUnique({ where: { id: input.id }, select: SCENARIO_COLUMNS });
      if (!before) {
        throw new AppError("NOT_FOUND", `scenario ${input.id} not found`, {
          userMessage: "This scenario no longer exists.",
          field: "id",
        });
      }
      const after = await tx.scenario.update({ where: { id: input.id }, data, select: SCENARIO_COLUMNS });
      await audit({
        action: "scenario.update",
        objectType: "Scenario",
        objectId: after.id,
        before: { name: before.name, changes: before.changes, teamId: before.teamId },
        after: { name: after.name, changes: after.changes, teamId: after.teamId },
      });
      return view(after);
    }
    const created = await tx.scenario.create({
      data: { ...data, createdById: ctx.user.id },
      select: SCENARIO_COLUMNS,
    });
    await audit({
      action: "scenario.create",
      objectType: "Scenario",
      objectId: created.id,
      after: { name: created.name, changes: created.changes, teamId: created.teamId },
    });
    return view(created);
  });
}

export async function removeScenario(ctx: TMutationContext, id: string) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const gone = await tx.scenario.findUnique({
      where: { id },
      select: { id: true, name: true, changes: true },
    });
    if (!gone) {
      throw new AppError("NOT_FOUND", `scenario ${id} not found`, {
        userMessage: "This scenario no longer exists.",
      });
    }
    await tx.scenario.delete({ where: { id } });
    await audit({
      action: "scenario.delete",
      objectType: "Scenario",
      objectId: id,
      before: { name: gone.name, changes: gone.changes },
    });
    return { id };
  });
}

/** Replays a saved scenario on the current estate. */
export async function runScenario(ctx: TCtx, id: string) {
  const scenario = await getScenarioOrThrow(ctx, id);
  return { scenario, result: await replay(ctx, scenario.changes) };
}

/** Replays changes that are not saved yet (the editor's preview). */
export function previewScenario(ctx: TCtx, changes: readonly TScenarioChange[]) {
  return replay(ctx, changes);
}

/**
 * Puts the nodes the scenario drains or loses into DRAINING through the node service (its
 * checks, guarded update and audit events), records the drain on the scenario, all in one
 * transaction. Nodes the scenario would add are not real, and nodes already DOWN take no work:
 * both are left out (the answer lists the DOWN ones).
 */
export async function planDrain(ctx: TMutationContext, id: string) {
  const scenario = await getScenarioOrThrow(ctx, id);
  const { applied } = await replayOnEstate(ctx, scenario.changes);
  const named = applied.drainedNodeIds.filter((n) => !n.startsWith(ADDED_NODE_PREFIX));
  // A node that is DOWN already takes no work: the node service would refuse to drain it.
  const down = await ctx.prisma.gpuNode.findMany({
    where: { id: { in: named }, status: "DOWN" },
    select: { id: true, hostname: true },
    orderBy: { hostname: "asc" },
  });
  const nodeIds = named.filter((n) => !down.some((d) => d.id === n));
  if (nodeIds.length === 0) {
    throw new AppError("INVALID_REQUEST", `scenario ${id} drains no node`, {
      userMessage: "This scenario drains or loses no node that is up: there is nothing to drain.",
      field: "id",
    });
  }
  return auditedTransaction(ctx, async (tx, audit) => {
    const drained = await changeNodeStatusIn(tx, audit, {}, "drain", nodeIds);
    const drainedAt = new Date();
    await tx.scenario.update({ where: { id }, data: { drainedAt, drainedById: ctx.user.id } });
    await audit({
      action: "scenario.drain",
      objectType: "Scenario",
      objectId: id,
      after: { name: scenario.name, nodeIds, drainedAt: drainedAt.toISOString() },
    });
    return { scenarioId: id, drainedAt, ...drained, down: down.map((d) => d.hostname) };
  });
}

/**
 * The work the batch replays, with what the result shows about it. Replicas of inference
 * services are not in it: the services are replayed by the covering mode (servicesInput).
 */
async function replayInput(prisma: PrismaClient, holders: readonly string[]) {
  const workloads = await prisma.workload.findMany({
    where: {
      serviceId: null,
      OR: [{ state: { in: [...WAITING] } }, { id: { in: [...holders] } }],
    },
    include: {
      datasets: { select: { datasetId: true } },
      team: { select: { id: true, name: true } },
      site: { select: { id: true, name: true } },
    },
    orderBy: { id: "asc" },
  });
  const requests: TWorkloadRequestInput[] = await withHardBudgets(
    prisma,
    workloads.map(toRequest),
    new Date(),
  );
  return { workloads, requests };
}

/** The active inference services as the engine plans them (plan.ts's input), with their replicas' ids. */
async function servicesInput(prisma: PrismaClient) {
  const rows = await prisma.service.findMany({
    where: { state: "ACTIVE" },
    include: { regions: { orderBy: { region: "asc" } }, team: { select: { id: true, name: true } } },
    orderBy: { id: "asc" },
  });
  const now = new Date();
  const backoff = serviceRejectBackoffFromEnv();
  // Sites an approver rejected a replica at (within the back-off) are left out, as a re-plan does.
  const [held, excluded] = await Promise.all([
    replicasHoldingGpus(
      prisma,
      rows.map((r) => r.id),
    ),
    Promise.all(rows.map((row) => activeExclusions(prisma, row, now, backoff))),
  ]);
  const services: TScenarioService[] = rows.map((row, i) => ({
    spec: serviceSpec(row, excluded[i] ?? []),
    name: row.name,
    replicaWorkloadIds: held.get(row.id) ?? [],
  }));
  return { rows, services };
}

/** The raw replay of `changes` on the current estate (both batches, the applied estate): for tests and the service. */
export async function replayOnEstate(ctx: TCtx, changes: readonly TScenarioChange[]) {
  const snapshot = await currentEstate(ctx.prisma);
  const [{ rows: serviceRows, services }, replicaRows] = await Promise.all([
    servicesInput(ctx.prisma),
    ctx.prisma.workload.findMany({ where: { serviceId: { not: null } }, select: { id: true } }),
  ]);
  // Replicas hold their GPUs in the batch's estate; the services' replay places them.
  const replicas = new Set(replicaRows.map((r) => r.id));
  const running = [...new Set(snapshot.allocations.map((a) => a.workloadId))].filter(
    (id) => !replicas.has(id),
  );
  const [{ workloads, requests }, labelled] = await Promise.all([
    replayInput(ctx.prisma, running),
    ctx.prisma.gpuNode.findMany({
      where: { NOT: { labels: { equals: {} } } },
      select: { id: true, labels: true },
    }),
  ]);
  const nodeLabels = Object.fromEntries(
    labelled.map((n) => [n.id, (n.labels ?? {}) as Record<string, string>]),
  );
  try {
    const replayed = timePlacement("batch", () =>
      replayScenario({ snapshot, requests, changes, running, nodeLabels, services }),
    );
    return { ...replayed, workloads, running, snapshot, serviceRows };
  } catch (error) {
    if (error instanceof PlacementInputError) {
      const first = error.issues[0];
      throw new AppError("INVALID_REQUEST", error.message, {
        userMessage: error.issues.map((i) => `${describePath(i.path)}: ${i.message}`).join("; "),
        field: first?.path ?? "changes",
        cause: error,
      });
    }
    throw error;
  }
}

/** "changes.2.nodes.fabric" -> "change 3 (nodes.fabric)": people count from one. */
function describePath(path: string): string {
  const match = /^changes\.(\d+)(?:\.(.+))?$/.exec(path);
  if (!match) return path;
  return `change ${Number(match[1]) + 1}${match[2] ? ` (${match[2]})` : ""}`;
}

/**
 * The replay, as the caller may see it: workloads of teams outside the caller's scope are left
 * out, with their teams' rows, and the totals count only what is shown.
 */
async function replay(ctx: TCtx, changes: readonly TScenarioChange[]) {
  const { comparison, baseline, scenario, applied, workloads, running, snapshot, services, serviceRows } =
    await replayOnEstate(ctx, changes);
  const scope = await teamScope(ctx.prisma, ctx.user);
  const sees = (teamId: string) => scope === null || scope.includes(teamId);
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const runningSet = new Set(running);
  const nodeHost = new Map(
    (
      await ctx.prisma.gpuNode.findMany({
        where: { id: { in: applied.drainedNodeIds as string[] } },
        select: { id: true, hostname: true, siteId: true, status: true },
      })
    ).map((n) => [n.id, n]),
  );
  const teams = comparison.teams.filter((t) => sees(t.teamId));
  const teamName = new Map(workloads.map((w) => [w.team.id, w.team.name]));
  const sum = (pick: (t: (typeof teams)[number]) => number) =>
    Math.round(teams.reduce((s, t) => s + pick(t), 0) * 100) / 100;
  const shown = comparison.workloads.filter((w) => sees(w.teamId));
  const serviceTeam = new Map(serviceRows.map((r) => [r.id, r.team]));
  return {
    workloads: shown.map((w) => {
      const row = byId.get(w.workloadId);
      return {
        ...w,
        name: row?.name ?? w.workloadId,
        state: row?.state ?? "PENDING",
        running: runningSet.has(w.workloadId),
        currentSite: row?.site ? { id: row.site.id, name: row.site.name } : null,
        teamName: teamName.get(w.teamId) ?? w.teamId,
      };
    }),
    teams: teams.map((t) => ({ ...t, teamName: teamName.get(t.teamId) ?? t.teamId })),
    totals: {
      workloads: teams.reduce((s, t) => s + t.workloads, 0),
      beforeUsd: sum((t) => t.beforeUsd),
      afterUsd: sum((t) => t.afterUsd),
      deltaUsd: sum((t) => t.deltaUsd),
      moved: shown.filter((w) => w.change === "moved").length,
      unplaceable: shown.filter((w) => w.change === "unplaceable").length,
      placed: shown.filter((w) => w.change === "placed").length,
      stillUnplaced: scope === null ? comparison.totals.stillUnplaced : null,
    },
    /**
     * Each active inference service of the teams the caller sees, placed by the covering mode as
     * it is and with the changes: the regions that lose their SLO (with the engine's reason),
     * the replicas that move between sites, the cost per hour.
     */
    services: services
      .filter((s) => sees(s.teamId))
      .map((s) => ({ ...s, teamName: serviceTeam.get(s.serviceId)?.name ?? s.teamId })),
    /** The engine's proven bounds: how far each replay can be from the cheapest arrangement. */
    bound: { baseline: baseline.bound, scenario: scenario.bound },
    drainedNodes: applied.drainedNodeIds.map((id) => {
      const node = nodeHost.get(id);
      return {
        id,
        hostname: node?.hostname ?? id,
        siteId: node?.siteId ?? null,
        status: node?.status ?? null,
      };
    }),
    addedNodes: applied.touched.flatMap((t) => t.nodeIds.filter((n) => n.startsWith(ADDED_NODE_PREFIX)))
      .length,
    estate: { sites: snapshot.sites.length, nodes: snapshot.nodes.length },
    /** True when the caller sees every team: totals then cover the whole replay. */
    complete: scope === null,
  };
}

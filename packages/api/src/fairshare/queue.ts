import type { PrismaClient } from "@switchyard/db";
import { computeShares, fairOrder, replayQueue, type TShares } from "@switchyard/placement";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { getVisibleWorkloadOrThrow } from "../workloads/service.ts";
import { demandOf, readFairShareInputs } from "./estate.ts";
import { totalOf } from "./history.ts";

/** What a queued workload waits for, first match wins in this order. */
export const WAIT_REASONS = ["APPROVAL", "DEPENDENCY", "DATA", "QUOTA", "CAPACITY", "FAIR_SHARE"] as const;
export type TWaitReason = (typeof WAIT_REASONS)[number];

const QUEUED_STATES = ["PENDING", "AWAITING_APPROVAL"] as const;

export type TQueueRow = {
  position: number;
  workloadId: string;
  name: string;
  teamId: string;
  teamName: string;
  state: (typeof QUEUED_STATES)[number];
  gpus: number;
  gpuModel: string;
  priority: number;
  submittedAt: Date;
  waitingFor: TWaitReason;
  /** The reason in words, with the detail that decides it. */
  why: string;
  /** Where fair order put it and why (dominant share over weight, priority, age). */
  fairShare: string;
  expectedStartAt: Date | null;
  /** How the expected start was found, or why it is unknown. */
  expectedStartNote: string;
};

/**
 * The whole queue, read once: PENDING and AWAITING_APPROVAL work in fair order with what each
 * waits for and an expected start, and each team's standing. Engine calls: computeShares and
 * fairOrder (packages/placement); the expected starts from replayQueue (packages/placement).
 */
export async function readQueue(prisma: PrismaClient, now: Date) {
  const [inputs, queued, running] = await Promise.all([
    readFairShareInputs(prisma),
    prisma.workload.findMany({
      where: { state: { in: [...QUEUED_STATES] } },
      select: {
        id: true,
        name: true,
        teamId: true,
        team: { select: { name: true } },
        state: true,
        gpuCount: true,
        gpuModels: true,
        priority: true,
        estimatedHours: true,
        createdAt: true,
        dependsOn: { select: { dependsOn: { select: { name: true, state: true } } } },
        transfers: { where: { status: { in: ["PENDING", "IN_PROGRESS"] } }, select: { etaSeconds: true } },
        decisions: { orderBy: { createdAt: "desc" }, take: 1, select: { feasible: true, summary: true } },
      },
      orderBy: { id: "asc" },
    }),
    prisma.workload.findMany({
      where: { state: { in: ["SCHEDULED", "RUNNING"] } },
      select: {
        teamId: true,
        estimatedHours: true,
        startedAt: true,
        updatedAt: true,
        allocations: {
          where: { status: "ACTIVE" },
          select: { gpus: true, createdAt: true, node: { select: { gpuModel: true } } },
        },
      },
    }),
  ]);
  const demand = queued.map((w) => demandOf(w, inputs.capacity));
  const hasGpus = Object.values(inputs.capacity).some((g) => g > 0);
  const shares: TShares | null = hasGpus
    ? computeShares(inputs.tree, inputs.usage, demand, inputs.capacity)
    : null;
  const order = shares
    ? fairOrder(
        queued.map((w, i) => ({
          workloadId: w.id,
          teamId: w.teamId,
          gpus: w.gpuCount,
          gpuModel: demand[i]?.gpuModel ?? "*",
          priority: w.priority,
          submittedAt: w.createdAt.getTime(),
        })),
        shares,
      )
    : [...queued]
        .sort((a, b) => b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime())
        .map((w, i) => ({
          position: i + 1,
          workloadId: w.id,
          underFairShare: false,
          reason: "the estate has no GPUs",
        }));
  const byId = new Map(queued.map((w, i) => [w.id, { w, demand: demand[i] }]));

  // Blockers the replay does not model; the rest is decided by the replay below.
  const waits = new Map<string, { waitingFor: TWaitReason; why: string }>();
  for (const w of queued) {
    const blocker = blockerOf(w);
    if (blocker) waits.set(w.id, blocker);
  }
  const teamLimits = new Map<string, number>();
  for (const node of inputs.tree.nodes) {
    if (node.kind !== "TEAM" || Object.keys(node.limits).length === 0) continue;
    const quotas = Object.entries(node.limits).map(([gpuModel, limitGpus]) => ({
      gpuModel,
      limitGpus,
      guaranteedGpus: 0,
    }));
    teamLimits.set(node.id, totalOf(quotas).limitGpus);
  }
  const starts = replayQueue({
    now: now.getTime(),
    capacity: inputs.capacity,
    running: running.flatMap((r) =>
      r.allocations.map((a) => {
        const started = r.startedAt ?? a.createdAt;
        return {
          teamId: r.teamId,
          gpuModel: a.node.gpuModel,
          gpus: a.gpus,
          endsAt: started.getTime() + Number(r.estimatedHours) * 3_600_000,
        };
      }),
    ),
    queue: order.map((o) => {
      const entry = byId.get(o.workloadId);
      const wait = waits.get(o.workloadId);
      return {
        workloadId: o.workloadId,
        teamId: entry?.w.teamId ?? "",
        gpuModel: entry?.demand?.gpuModel ?? "*",
        gpus: entry?.w.gpuCount ?? 0,
        hours: entry ? Number(entry.w.estimatedHours) : null,
        // Over quota: it cannot start until its team's own work ends, which the replay models.
        blocked: wait !== undefined && wait.waitingFor !== "QUOTA",
      };
    }),
    teamLimits,
  });
  const startOf = new Map(starts.map((s) => [s.workloadId, s]));

  const rows: TQueueRow[] = order.map((o) => {
    const { w, demand: d } = byId.get(o.workloadId) as {
      w: (typeof queued)[number];
      demand: { gpuModel: string };
    };
    const start = startOf.get(w.id);
    const startsAt = start?.startsAt ?? null;
    const wait = waits.get(w.id) ?? turnOf(startsAt === now.getTime(), o.underFairShare);
    return {
      position: o.position,
      workloadId: w.id,
      name: w.name,
      teamId: w.teamId,
      teamName: w.team.name,
      state: w.state as TQueueRow["state"],
      gpus: w.gpuCount,
      gpuModel: d.gpuModel,
      priority: w.priority,
      submittedAt: w.createdAt,
      waitingFor: wait.waitingFor,
      why: wait.why,
      fairShare: o.reason,
      expectedStartAt: startsAt === null ? null : new Date(startsAt),
      expectedStartNote: startsAt === null ? `unknown: ${start?.why ?? "not replayed"}` : (start?.why ?? ""),
    };
  });
  const teams = (shares?.teams ?? []).map((t) => {
    const all = t.models[t.models.length - 1];
    return {
      teamId: t.teamId,
      departmentId: t.departmentId,
      weight: t.weight,
      dominantShare: t.dominantShare,
      entitledShare: t.entitledShare,
      underFairShare: t.underFairShare,
      belowGuarantee: t.belowGuarantee,
      guaranteedGpus: all?.guaranteed ?? 0,
      usedGpus: all?.used ?? 0,
      borrowedGpus: all?.borrowed ?? 0,
      pendingGpus: all?.pending ?? 0,
      queued: rows.filter((r) => r.teamId === t.teamId).length,
    };
  });
  return { rows, teams, shares };
}

type TQueuedWorkload = {
  state: string;
  dependsOn: { dependsOn: { name: string; state: string } }[];
  transfers: { etaSeconds: number }[];
  decisions: { feasible: boolean; summary: string }[];
};

/** What blocks a queued workload apart from GPUs and its turn, in words; null: nothing. */
export function blockerOf(w: TQueuedWorkload): { waitingFor: TWaitReason; why: string } | null {
  if (w.state === "AWAITING_APPROVAL")
    return { waitingFor: "APPROVAL", why: "waits for an approval decision" };
  const open = w.dependsOn.filter((d) => d.dependsOn.state !== "SUCCEEDED").map((d) => d.dependsOn.name);
  if (open.length > 0) return { waitingFor: "DEPENDENCY", why: `waits for ${open.join(", ")} to succeed` };
  if (w.transfers.length > 0) {
    const eta = Math.max(...w.transfers.map((t) => t.etaSeconds));
    const copies = w.transfers.length === 1 ? "copy" : "copies";
    return {
      waitingFor: "DATA",
      why: `waits for ${w.transfers.length} dataset ${copies} to arrive (longest ETA ${Math.ceil(eta / 60)} min)`,
    };
  }
  const decision = w.decisions[0];
  if (decision && !decision.feasible && /quota/i.test(decision.summary))
    return { waitingFor: "QUOTA", why: `over its team's GPU limit: ${decision.summary}` };
  return null;
}

/** Nothing else blocks it: it waits for GPUs, or for its turn when GPUs are free now. */
function turnOf(fitsNow: boolean, underFairShare: boolean): { waitingFor: TWaitReason; why: string } {
  const standing = underFairShare
    ? "its team is under its fair share, so it goes before teams over theirs"
    : "its team is at or over its fair share, so teams under theirs go first";
  return fitsNow
    ? {
        waitingFor: "FAIR_SHARE",
        why: `GPUs are free for it now; waits for its turn in fair order (${standing})`,
      }
    : { waitingFor: "CAPACITY", why: `no free GPUs of its model now; ${standing}` };
}

/** The queue as a user may see it: rows of teams outside their scope are left out (positions stay). */
export async function queueFor(
  prisma: PrismaClient,
  user: TSessionUser,
  input: { teamId?: string },
  now: Date,
) {
  const [queue, scope] = await Promise.all([readQueue(prisma, now), teamScope(prisma, user)]);
  const visible = (teamId: string) => scope === null || scope.includes(teamId);
  return {
    total: queue.rows.length,
    rows: queue.rows.filter((r) => visible(r.teamId) && (!input.teamId || r.teamId === input.teamId)),
    teams: queue.teams.filter((t) => !input.teamId || t.teamId === input.teamId),
  };
}

/** One workload's place in the queue: position, what it waits for and its expected start (null when not queued). */
export async function workloadQueueStanding(prisma: PrismaClient, user: TSessionUser, id: string, now: Date) {
  const workload = await getVisibleWorkloadOrThrow(prisma, user, id);
  const queue = await readQueue(prisma, now);
  const row = queue.rows.find((r) => r.workloadId === workload.id) ?? null;
  return {
    workloadId: workload.id,
    state: workload.state,
    queued: row !== null,
    total: queue.rows.length,
    standing: row,
  };
}

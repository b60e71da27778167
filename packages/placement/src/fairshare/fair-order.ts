import { z } from "zod";
import { compareIds } from "../snapshot/compare";
import { PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";
import { type TShares, type TTeamShare, unitOf } from "./shares";
import { ANY_MODEL } from "./tree";

/** A workload waiting to start. */
export const ZPendingWork = z.object({
  workloadId: z.string().min(1),
  teamId: z.string().min(1),
  /** GPUs it will hold, all nodes together. */
  gpus: z.int().positive(),
  /** The GPU model it will hold, or "*" when it may take several. */
  gpuModel: z.string().min(1).default(ANY_MODEL),
  priority: z.int().default(0),
  /** When it was submitted, as a number that grows with time (e.g. epoch ms): older goes first. */
  submittedAt: z.number().finite(),
});
export type TPendingWork = z.input<typeof ZPendingWork>;

export type TQueuePosition = {
  /** 1-based. */
  readonly position: number;
  readonly workloadId: string;
  readonly teamId: string;
  readonly priority: number;
  /** The team's dominant share when this workload's turn comes (earlier ones of its own counted). */
  readonly dominantShare: number;
  readonly entitledShare: number;
  readonly underFairShare: boolean;
  /** Why it stands here, for people. */
  readonly reason: string;
};

const EPS = 1e-9;

/**
 * The pending queue in fair order, replayed one workload at a time: the next workload is
 * the head of the team that is under its fair share (entitled dominant share) if any, and
 * among those the one that leaves its team with the lowest dominant share over weight once
 * it runs (DRF counted after the pick, so that a small team's big job does not carry it far
 * past its share while a big team waits); ties by the head's priority (higher first), then
 * age (older first), then ids. A team's own workloads go by priority, then age. Each pick
 * adds its GPUs to its team's share before the next, so one team's many jobs do not jump the
 * queue. A team under its share always goes before a team over it.
 * Pure; throws PlacementInputError for malformed work or a team absent from `shares`.
 */
export function fairOrder(pending: readonly TPendingWork[], shares: TShares): TQueuePosition[] {
  const parsed = z.array(ZPendingWork).safeParse(pending);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, "pending"));
  const teams = new Map(shares.teams.map((t) => [t.teamId, t]));
  const issues: TInputIssue[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((work, i) => {
    if (!teams.has(work.teamId))
      issues.push({ path: `pending.${i}.teamId`, message: `unknown team '${work.teamId}'` });
    if (work.gpuModel !== ANY_MODEL && !(work.gpuModel in shares.capacity)) {
      issues.push({ path: `pending.${i}.gpuModel`, message: `GPU model '${work.gpuModel}' has no capacity` });
    }
    if (seen.has(work.workloadId)) {
      issues.push({ path: `pending.${i}.workloadId`, message: `duplicate workload id '${work.workloadId}'` });
    }
    seen.add(work.workloadId);
  });
  if (issues.length > 0) throw new PlacementInputError(issues);

  const capacity = shares.capacity;
  const models = Object.keys(capacity).filter((m) => (capacity[m] ?? 0) > 0);
  const total = models.reduce((s, m) => s + (capacity[m] ?? 0), 0);
  const classTotal = models.reduce((s, m) => s + (capacity[m] ?? 0) * (shares.classUnits?.[m] ?? 1), 0);
  type TQueue = {
    team: TTeamShare;
    used: Map<string, number>;
    share: number;
    /** The team's dominant share once its head has run. */
    next: number;
    items: typeof parsed.data;
  };
  const queues = new Map<string, TQueue>();
  for (const work of parsed.data) {
    let q = queues.get(work.teamId);
    if (q === undefined) {
      const team = teams.get(work.teamId) as TTeamShare;
      const used = new Map(
        team.models.filter((m) => m.gpuModel !== ANY_MODEL).map((m) => [m.gpuModel, m.used]),
      );
      q = { team, used, share: team.dominantShare, next: 0, items: [] };
      queues.set(work.teamId, q);
    }
    q.items.push(work);
  }
  for (const q of queues.values()) {
    q.items.sort(
      (a, b) =>
        b.priority - a.priority || a.submittedAt - b.submittedAt || compareIds(a.workloadId, b.workloadId),
    );
  }
  // A team's usage once `work` runs: GPUs per model, or class units when shares are pooled.
  const units = shares.classUnits;
  const add = (used: Map<string, number>, work: TQueue["items"][number]) => {
    if (work.gpuModel === ANY_MODEL) {
      for (const m of models) used.set(m, (used.get(m) ?? 0) + (work.gpus * (capacity[m] ?? 0)) / total);
    } else used.set(work.gpuModel, (used.get(work.gpuModel) ?? 0) + work.gpus);
  };
  const dominant = (used: Map<string, number>) =>
    Math.max(0, ...[...used].map(([m, g]) => ((capacity[m] ?? 0) > 0 ? g / (capacity[m] ?? 1) : 0)));
  const shareAfter = (q: TQueue, work: TQueue["items"][number] | undefined): number => {
    if (work === undefined) return q.share;
    // GPU classes: one pooled resource in class units; the share grows by this work's units.
    if (units !== null) return q.share + (work.gpus * unitOf(work.gpuModel, units, capacity)) / classTotal;
    const used = new Map(q.used);
    add(used, work);
    return dominant(used);
  };
  for (const q of queues.values()) q.next = shareAfter(q, q.items[0]);

  const under = (q: TQueue) => q.share < q.team.entitledShare - EPS;
  const before = (a: TQueue, b: TQueue) => {
    const ua = under(a);
    if (ua !== under(b)) return ua;
    const ka = a.next / a.team.weight;
    const kb = b.next / b.team.weight;
    if (Math.abs(ka - kb) > EPS) return ka < kb;
    const ha = a.items[0];
    const hb = b.items[0];
    if (ha === undefined || hb === undefined) return hb === undefined;
    if (ha.priority !== hb.priority) return ha.priority > hb.priority;
    if (ha.submittedAt !== hb.submittedAt) return ha.submittedAt < hb.submittedAt;
    return compareIds(ha.workloadId, hb.workloadId) < 0;
  };

  const out: TQueuePosition[] = [];
  const heads = [...queues.values()].sort((a, b) => compareIds(a.team.teamId, b.team.teamId));
  for (let position = 1; position <= parsed.data.length; position++) {
    let best: TQueue | undefined;
    for (const q of heads) if (q.items.length > 0 && (best === undefined || before(q, best))) best = q;
    if (best === undefined) break;
    const work = best.items.shift();
    if (work === undefined) break;
    const isUnder = under(best);
    out.push({
      position,
      workloadId: work.workloadId,
      teamId: work.teamId,
      priority: work.priority,
      dominantShare: best.share,
      entitledShare: best.team.entitledShare,
      underFairShare: isUnder,
      reason: describe(best, work.priority, isUnder),
    });
    // Its GPUs count towards the team's share before the next pick.
    if (units === null) add(best.used, work);
    best.share = best.next;
    best.next = shareAfter(best, best.items[0]);
  }
  return out;
}

function describe(
  q: { team: TTeamShare; share: number; next: number },
  priority: number,
  isUnder: boolean,
): string {
  const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
  const standing = isUnder
    ? `under its fair share (${pct(q.share)} of ${pct(q.team.entitledShare)} entitled)`
    : `at or over its fair share (${pct(q.share)}, entitled ${pct(q.team.entitledShare)}): waits for teams under theirs`;
  return `team ${q.team.teamId} ${standing}; dominant share over weight once it runs ${pct(q.next / q.team.weight)} (weight ${q.team.weight}), then priority ${priority}, then age`;
}

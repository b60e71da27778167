import { z } from "zod";
import { compareIds } from "../snapshot/compare";
import { PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";
import { ANY_MODEL, indexTree, type TEntitlementTree } from "./tree";

/** A running workload, as fair sharing sees it. */
export const ZRunningWork = z.object({
  workloadId: z.string().min(1),
  teamId: z.string().min(1),
  gpuModel: z.string().min(1),
  gpus: z.int().positive(),
  /** Where it runs; absent = inside the team's site group. */
  siteId: z.string().min(1).optional(),
  priority: z.int().default(0),
  /** When it started, as a number that grows with time (e.g. epoch ms). */
  startedAt: z.number().finite(),
  /** Already told to stop (in its grace period): never chosen again, its GPUs still held. */
  stopping: z.boolean().default(false),
});
export type TRunningWork = z.input<typeof ZRunningWork>;
export type TRunningWorkParsed = z.infer<typeof ZRunningWork>;

export type TBorrowClass = {
  readonly workloadId: string;
  readonly teamId: string;
  readonly gpus: number;
  /** Runs above the team's guarantee: the first to be reclaimed. */
  readonly borrowed: boolean;
  readonly reason: string;
};

/**
 * Which running workloads count as borrowed (above the team's guarantee). Per team, its
 * workloads are covered by the guarantee in order of priority (highest first), then age
 * (oldest first), then id: first by the guarantee of their GPU model, then by the "*"
 * class guarantee; a workload is guaranteed only if all its GPUs fit what is left, and
 * never when it runs outside the team's site group. So the newest, lowest-priority work is
 * borrowed. Sorted by workload id; pure; throws PlacementInputError naming bad fields.
 */
export function classifyBorrowed(tree: TEntitlementTree, running: readonly TRunningWork[]): TBorrowClass[] {
  const indexed = indexTree(tree);
  const list = parseRunning(running, indexed.nodes);
  const byTeam = new Map<string, TRunningWorkParsed[]>();
  for (const work of list) byTeam.set(work.teamId, [...(byTeam.get(work.teamId) ?? []), work]);
  const out: TBorrowClass[] = [];
  for (const [teamId, works] of byTeam) {
    const team = indexed.nodes.get(teamId);
    if (team === undefined) continue;
    const left = new Map(Object.entries(team.guarantees));
    works.sort(
      (a, b) =>
        b.priority - a.priority || a.startedAt - b.startedAt || compareIds(a.workloadId, b.workloadId),
    );
    for (const work of works) {
      const inGroup =
        work.siteId === undefined || team.siteIds === undefined || team.siteIds.includes(work.siteId);
      const model = left.get(work.gpuModel) ?? 0;
      const any = left.get(ANY_MODEL) ?? 0;
      const fits = inGroup && model + any >= work.gpus;
      if (fits) {
        const fromModel = Math.min(model, work.gpus);
        left.set(work.gpuModel, model - fromModel);
        left.set(ANY_MODEL, any - (work.gpus - fromModel));
      }
      out.push({
        workloadId: work.workloadId,
        teamId,
        gpus: work.gpus,
        borrowed: !fits,
        reason: fits
          ? `inside team ${teamId}'s guarantee`
          : !inGroup
            ? `borrowed: runs at site ${work.siteId}, outside team ${teamId}'s site group`
            : `borrowed: team ${teamId}'s guarantee has ${model + any} ${work.gpuModel} GPUs left for ${work.gpus}, after its older or higher-priority work`,
      });
    }
  }
  return out.sort((a, b) => compareIds(a.workloadId, b.workloadId));
}

export function parseRunning(
  running: readonly TRunningWork[],
  nodes: ReadonlyMap<string, { kind: string }>,
  path = "running",
): TRunningWorkParsed[] {
  const parsed = z.array(ZRunningWork).safeParse(running);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, path));
  const issues: TInputIssue[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((work, i) => {
    if (nodes.get(work.teamId)?.kind !== "TEAM") {
      issues.push({ path: `${path}.${i}.teamId`, message: `unknown team '${work.teamId}'` });
    }
    if (seen.has(work.workloadId)) {
      issues.push({ path: `${path}.${i}.workloadId`, message: `duplicate workload id '${work.workloadId}'` });
    }
    seen.add(work.workloadId);
  });
  if (issues.length > 0) throw new PlacementInputError(issues);
  return parsed.data;
}

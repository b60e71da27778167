// npm run bench:fairness — a 24-hour simulated trace of 20 teams with bursty demand on the
// bench estate, scheduled twice: by Switchyard's fair sharing (fairRound: computeShares →
// fairOrder → fair-share planReclaim, with a grace period) and by a FIFO-with-fixed-quotas
// baseline; writes
// bench/results/fairness.json. `-- --size=dev` runs a small estate (50 sites / 2,000 nodes)
// and writes bench/results/fairness-dev.json; `-- --hours=N` shortens the trace and
// `-- --step=M` sets the step in minutes (default 5 on the dev estate, 15 on the full one);
// `-- --only=switchyard --merge` reruns one scheduler and keeps the other's half of the file;
// `-- --seed=N` another trace and estate, `-- --out=FILE` another results file.
// `npm run bench:fairness:survey` runs the dev trace on seeds never used for tuning.
import { cpus, loadavg } from "node:os";
import {
  capacityByModel,
  fairRound,
  indexSnapshot,
  place,
  placeBatch,
  type TAllocation,
  type TEntitlementTree,
  type TGpuNode,
  type TPreparedSnapshot,
  type TWorkloadRequestInput,
  withChanges,
} from "../src/index";
import { buildEstate } from "./estate";
import { readRepoText, writeRepoJson } from "./files";
import { loadGpuData } from "./gpu-data";
import { Prng } from "./prng";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k ?? "", v ?? "1"];
  }),
);
const DEV = args.get("size") === "dev";
const SEED = Number(args.get("seed") ?? 19);
const SITES = DEV ? 50 : 500;
const NODES = DEV ? 2_000 : 50_000;
const HOURS = Number(args.get("hours") ?? 24);
/** 5-minute steps on the dev estate; 15 on the full one, so that a run fits in an hour on 2 loaded cores. */
const STEP_MIN = Number(args.get("step") ?? (DEV ? 5 : 15));
const STEPS = (HOURS * 60) / STEP_MIN;
const STEP_H = STEP_MIN / 60;
const TEAMS = 20;
/** A preempted job keeps its GPUs this long (checkpoint, shut down), then stops. */
const GRACE_STEPS = Math.max(1, Math.round(10 / STEP_MIN));
/** Waiting work reclaims only after this long, so that work finishing first can make room. */
const RECLAIM_AFTER_STEPS = Math.max(1, Math.round(15 / STEP_MIN));
/** Teams' concurrent demand while bursting, as a multiple of their weighted share of the estate. */
const BURST_LOAD = 2.0;
const MEAN_ON_H = 3;
const MEAN_OFF_H = 2;
const FULL_RESULTS = DEV ? "bench/results/fairness-dev.json" : "bench/results/fairness.json";
/**
 * `--only=switchyard|baseline` (a probe of one scheduler) writes fairness-probe.json instead;
 * with `--merge` it replaces that scheduler's half of the full results file, keeping the other
 * half (the baseline takes an hour on the full estate and does not change with the fair round).
 */
const MERGE = args.has("only") && args.has("merge");
/** `--out=FILE` (from the repository root, or absolute) writes there instead: the survey uses it. */
const RESULTS =
  args.get("out") ?? (args.has("only") && !MERGE ? "bench/results/fairness-probe.json" : FULL_RESULTS);

type TJob = {
  id: string;
  teamId: string;
  gpu: { count: number } | { nodes: number; gpusPerNode: number };
  gpus: number;
  steps: number;
  priority: number;
  submittedStep: number;
};

// ---------------------------------------------------------------------------------------
// 1. Estate, teams and the trace (shared by both schedulers).
const started = performance.now();
const data = loadGpuData();
const estate = buildEstate(data, {
  seed: SEED,
  sites: SITES,
  nodes: NODES,
  idleShare: 1,
  busyShare: 0,
  quotas: false,
});
estate.datasets = [];
const base = indexSnapshot(estate);
const capacity = capacityByModel(base);
/** The nodes that can take work (READY at ACTIVE sites): what totalGpus counts. */
const usableNodes = base.nodes.filter(
  (n) => n.status === "READY" && base.sites[base.siteIdxById.get(n.siteId) ?? -1]?.site.status === "ACTIVE",
);
const totalGpus = Object.values(capacity).reduce((s, g) => s + g, 0);

const rng = new Prng(SEED * 7919);
const teamIds = Array.from({ length: TEAMS }, (_, i) => `team-${String(i).padStart(2, "0")}`);
const weights = teamIds.map(() => rng.pick([1, 1, 2, 2, 3, 4]));
const weightSum = weights.reduce((s, w) => s + w, 0);
// Guarantees: the whole estate, split by weight (Run:ai's "deserved quota"); lent when idle.
const guarantees = weights.map((w) => Math.floor((totalGpus * w) / weightSum));
// Every job may run on any GPU model and guarantees are a class ("*"): shares are counted in
// GPUs of any model, one pooled resource (a GPU class of unit 1 per GPU), not DRF across models.
const tree: TEntitlementTree = {
  classUnits: {},
  nodes: [
    { id: "org", parentId: null, kind: "ORGANISATION", weight: 1 },
    ...[0, 1, 2, 3].map((d) => ({
      id: `dept-${d}`,
      parentId: "org",
      kind: "DEPARTMENT" as const,
      weight: 1,
    })),
    ...teamIds.map((id, i) => ({
      id,
      parentId: `dept-${i % 4}`,
      kind: "TEAM" as const,
      weight: weights[i] ?? 1,
      guarantees: { "*": guarantees[i] ?? 0 },
    })),
  ],
};

function poisson(r: Prng, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(r)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r.next();
  } while (p > l);
  return k - 1;
}
function gaussian(r: Prng): number {
  return Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
}

/**
 * Job shapes: single-node 1–8 GPUs, or gangs of 8-GPU nodes; log-uniform 0.5–8 hours. On
 * the full estate (25× the dev one) jobs are bigger rather than 25× more numerous, so that
 * a step stays a few seconds: 20% single 8-GPU nodes, 80% gangs of 4–16 nodes.
 */
const BIG = !DEV;
const SINGLE_SHARE = BIG ? 0.2 : 0.6;
const SINGLE_SIZES = BIG ? [8] : [1, 2, 4, 8];
const GANG_NODES = BIG ? [4, 8, 8, 16] : [2, 2, 4, 4, 8];
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
function makeJob(r: Prng, teamId: string, step: number, n: number): TJob {
  const gang = !r.chance(SINGLE_SHARE);
  const gpu: TJob["gpu"] = gang
    ? { nodes: r.pick(GANG_NODES), gpusPerNode: 8 }
    : { count: r.pick(SINGLE_SIZES) };
  const gpus = "count" in gpu ? gpu.count : gpu.nodes * gpu.gpusPerNode;
  const steps = Math.max(1, Math.round((r.logBetween(0.5, 8) * 60) / STEP_MIN));
  return {
    id: `${teamId}-j${n}`,
    teamId,
    gpu,
    gpus,
    steps,
    priority: r.pick([0, 0, 1, 2]),
    submittedStep: step,
  };
}
const MEAN_GPUS = SINGLE_SHARE * mean(SINGLE_SIZES) + (1 - SINGLE_SHARE) * 8 * mean(GANG_NODES);
const MEAN_STEPS = ((8 - 0.5) / Math.log(16) / STEP_H) * 1;

const arrivals: TJob[][] = Array.from({ length: STEPS }, () => []);
let refused = 0;
const fitsByShape = new Map<string, boolean>();
function fitsEmptyEstate(job: TJob): boolean {
  const key = JSON.stringify(job.gpu);
  let fits = fitsByShape.get(key);
  if (fits === undefined) {
    fits = place({
      snapshot: base,
      request: { id: "probe", kind: "TRAINING", teamId: "probe", gpu: job.gpu, estimatedHours: 1 },
    }).feasible;
    fitsByShape.set(key, fits);
  }
  return fits;
}
teamIds.forEach((teamId, i) => {
  const r = new Prng(SEED * 31 + i);
  let on = r.chance(0.5);
  let n = 0;
  const load = (BURST_LOAD * totalGpus * (weights[i] ?? 1)) / weightSum;
  const perStep = load / (MEAN_GPUS * MEAN_STEPS);
  for (let step = 0; step < STEPS; step++) {
    if (on && r.chance(STEP_H / MEAN_ON_H)) on = false;
    else if (!on && r.chance(STEP_H / MEAN_OFF_H)) on = true;
    if (!on) continue;
    // A burst starts with a backlog: the first step of each ON spell brings a few hours' worth.
    const mean = perStep * (step === 0 || r.chance(0.05) ? 6 : 1);
    for (let k = poisson(r, mean); k > 0; k--) {
      const job = makeJob(r, teamId, step, n++);
      // Work that fits nowhere even on the empty estate is refused at submission, as the
      // product rejects it; it would otherwise count as demand forever.
      if (fitsEmptyEstate(job)) arrivals[step]?.push(job);
      else refused++;
    }
  }
});

// ---------------------------------------------------------------------------------------
// 2. The simulation, one scheduler at a time.
type TRun = {
  job: TJob;
  nodes: { nodeId: string; gpus: number }[];
  startStep: number;
  endStep: number;
  stopStep?: number;
};

type TMetrics = {
  maxEntitlementDeviationPct: number;
  /** Null when demand never exceeded the estate. */
  utilisationPctWhenOversubscribed: number | null;

  preemptionsPerHour: number;
  gpuHoursLostToPreemption: number;
};

type TScheduler = "switchyard" | "baseline";

function simulate(mode: TScheduler) {
  const free = new Map(base.nodes.map((n) => [n.id, n.gpuFree]));
  let prepared: TPreparedSnapshot = base;
  const changedNodes = new Set<string>();
  const addAlloc: TAllocation[] = [];
  const removeAlloc: { workloadId: string; nodeId: string }[] = [];
  const running = new Map<string, TRun>();
  let pending: TJob[] = [];
  const waiting = new Map<
    string,
    { job: TJob; nodes: { nodeId: string; gpus: number }[]; victims: string[] }
  >();
  const actualGpuH = new Map<string, number>();
  const entitledGpuH = new Map<string, number>();
  /** As entitledGpuH, over the GPUs the waiting work could hold at all (see shapeIdle). */
  const entitledUsableGpuH = new Map<string, number>();
  let overSteps = 0;
  let usedWhenOver = 0;
  /** GPUs free on nodes too small for any waiting job's per-node need, summed over those steps. */
  let shapeIdleWhenOver = 0;
  let preemptions = 0;
  let lostGpuH = 0;
  let stepMs = 0;
  const restarts = new Map<string, number>();

  const take = (job: TJob, nodes: { nodeId: string; gpus: number }[], step: number) => {
    for (const n of nodes) {
      free.set(n.nodeId, (free.get(n.nodeId) ?? 0) - n.gpus);
      changedNodes.add(n.nodeId);
      addAlloc.push({
        workloadId: job.id,
        nodeId: n.nodeId,
        gpus: n.gpus,
        priority: job.priority,
        preemptible: true,
        teamId: job.teamId,
      });
    }
    running.set(job.id, { job, nodes, startStep: step, endStep: step + job.steps });
  };
  const release = (run: TRun) => {
    for (const n of run.nodes) {
      free.set(n.nodeId, (free.get(n.nodeId) ?? 0) + n.gpus);
      changedNodes.add(n.nodeId);
      removeAlloc.push({ workloadId: run.job.id, nodeId: n.nodeId });
    }
    running.delete(run.job.id);
  };
  const sync = () => {
    if (changedNodes.size + addAlloc.length + removeAlloc.length === 0) return;
    // An allocation removed and added in the same step (a restart) nets out.
    const upsert: TGpuNode[] = [...changedNodes].map((id) => {
      const node = prepared.nodes[prepared.nodeIdxById.get(id) ?? -1] as TGpuNode;
      return { ...node, gpuFree: free.get(id) ?? 0 };
    });
    prepared = withChanges(prepared, {
      nodes: { upsert },
      allocations: { remove: removeAlloc.splice(0), add: addAlloc.splice(0) },
    });
    changedNodes.clear();
  };

  for (let step = 0; step < STEPS; step++) {
    const t0 = performance.now();
    // a. Preempted work whose grace period ends stops; the work it made room for starts.
    for (const run of [...running.values()]) {
      if (run.stopStep === step) {
        release(run);
        preemptions++;
        lostGpuH += run.job.gpus * (step - run.startStep) * STEP_H;
        const again = {
          ...run.job,
          id: `${run.job.id.split("~")[0]}~${(restarts.get(run.job.id) ?? 0) + 1}`,
        };
        restarts.set(again.id, (restarts.get(run.job.id) ?? 0) + 1);
        pending.push(again);
      }
    }
    for (const [id, w] of [...waiting]) {
      if (w.victims.some((v) => running.has(v))) continue;
      waiting.delete(id);
      if (w.nodes.every((n) => (free.get(n.nodeId) ?? 0) >= n.gpus)) take(w.job, w.nodes, step);
      else pending.push(w.job);
    }
    // b. Completions, arrivals.
    for (const run of [...running.values()])
      if (run.endStep <= step && run.stopStep === undefined) release(run);
    pending.push(...(arrivals[step] ?? []));
    sync();

    // c. Schedule.
    const teamOf = new Map(pending.map((j) => [j.id, j]));
    const request = (j: TJob, priority: number): TWorkloadRequestInput => ({
      id: j.id,
      kind: "count" in j.gpu ? "FINE_TUNING" : "TRAINING",
      teamId: j.teamId,
      gpu: j.gpu,
      estimatedHours: j.steps * STEP_H,
      priority,
    });
    let placed: { workloadId: string; nodes: readonly { nodeId: string; gpus: number }[] }[] = [];
    if (mode === "switchyard") {
      const usage = new Map<string, number>();
      for (const run of running.values()) {
        for (const n of run.nodes) {
          const model = prepared.nodes[prepared.nodeIdxById.get(n.nodeId) ?? -1]?.gpuModel ?? "";
          const key = `${run.job.teamId}\u0000${model}`;
          usage.set(key, (usage.get(key) ?? 0) + n.gpus);
        }
      }
      // Work waiting for a victim's grace period will hold its GPUs: it is the team's usage.
      for (const w of waiting.values()) {
        for (const n of w.nodes) {
          const model = prepared.nodes[prepared.nodeIdxById.get(n.nodeId) ?? -1]?.gpuModel ?? "";
          const key = `${w.job.teamId}\u0000${model}`;
          usage.set(key, (usage.get(key) ?? 0) + n.gpus);
        }
      }
      const demand = new Map<string, number>();
      for (const j of pending) demand.set(j.teamId, (demand.get(j.teamId) ?? 0) + j.gpus);
      // The product's round (packages/api/src/fairshare/reclaim.ts) calls the same function.
      const plan = fairRound({
        snapshot: prepared,
        tree,
        usage: [...usage].map(([k, gpus]) => {
          const [teamId, gpuModel] = k.split("\u0000");
          return { teamId: teamId ?? "", gpuModel: gpuModel ?? "", gpus };
        }),
        demand: [...demand].map(([teamId, gpus]) => ({ teamId, gpuModel: "*", gpus })),
        capacity,
        running: [...running.values()].map((r) => ({
          workloadId: r.job.id,
          teamId: r.job.teamId,
          gpuModel: prepared.nodes[prepared.nodeIdxById.get(r.nodes[0]?.nodeId ?? "") ?? -1]?.gpuModel ?? "",
          gpus: r.job.gpus,
          priority: r.job.priority,
          startedAt: r.startStep,
          stopping: r.stopStep !== undefined,
        })),
        pending: pending.map((j) => ({ request: request(j, j.priority), submittedAt: j.submittedStep })),
        searchEffort: 0,
        explainUnplaced: "none",
        reclaimAfter: RECLAIM_AFTER_STEPS,
        now: step,
      });
      for (const p of plan.preemptions) {
        const victim = running.get(p.workloadId);
        if (victim !== undefined) victim.stopStep = step + GRACE_STEPS;
      }
      const waitingNow = plan.placements.filter((p) => p.waitsFor.length > 0);
      for (const p of waitingNow) {
        const job = teamOf.get(p.workloadId) as TJob;
        waiting.set(job.id, {
          job,
          nodes: p.nodes.map((n) => ({ nodeId: n.nodeId, gpus: n.gpus })),
          victims: [...p.waitsFor],
        });
      }
      placed = plan.placements.filter((p) => p.waitsFor.length === 0);
      const gone = new Set(plan.placements.map((p) => p.workloadId));
      for (const p of placed) take(teamOf.get(p.workloadId) as TJob, [...p.nodes], step);
      pending = pending.filter((j) => !gone.has(j.id));
    } else {
      // FIFO (best effort: what does not fit is skipped, not blocking) within fixed quotas:
      // a team never holds more than its guarantee; nothing is borrowed or preempted.
      const used = new Map<string, number>();
      for (const run of running.values())
        used.set(run.job.teamId, (used.get(run.job.teamId) ?? 0) + run.job.gpus);
      const withQuotas = withChanges(prepared, {
        quotas: {
          upsert: teamIds.map((teamId, i) => ({
            teamId,
            gpuModel: "*",
            limitGpus: guarantees[i] ?? 0,
            usedGpus: used.get(teamId) ?? 0,
          })),
        },
      });
      // A job over its team's quota now cannot be placed this step (usage only grows within a
      // step): the engine would refuse it; leaving it out keeps the batch small. Same result.
      const quotaOf = new Map(teamIds.map((id, i) => [id, guarantees[i] ?? 0]));
      const fifo = pending
        .filter((j) => (used.get(j.teamId) ?? 0) + j.gpus <= (quotaOf.get(j.teamId) ?? 0))
        .sort((a, b) => a.submittedStep - b.submittedStep || (a.id < b.id ? -1 : 1));
      const result = placeBatch({
        snapshot: withQuotas,
        requests: fifo.map((j, i) => request(j, fifo.length - i)),
        searchEffort: 0,
        explainUnplaced: "none",
        // The baseline reports no bound (as the fair round proves none): it would only cost time.
        bound: "none",
      });
      placed = result.placements.map((p) => ({ workloadId: p.workloadId, nodes: p.nodes }));
      const gone = new Set(placed.map((p) => p.workloadId));
      for (const p of placed) take(teamOf.get(p.workloadId) as TJob, [...p.nodes], step);
      pending = pending.filter((j) => !gone.has(j.id));
    }
    sync();
    stepMs += performance.now() - t0;

    // d. Measure this step: GPUs held per team (until a victim stops, it holds its GPUs).
    const held = new Map<string, number>();
    for (const run of running.values())
      held.set(run.job.teamId, (held.get(run.job.teamId) ?? 0) + run.job.gpus);
    const wanted = new Map(held);
    for (const j of pending) wanted.set(j.teamId, (wanted.get(j.teamId) ?? 0) + j.gpus);
    for (const w of waiting.values()) wanted.set(w.job.teamId, (wanted.get(w.job.teamId) ?? 0) + w.job.gpus);
    const entitled = waterFill(
      teamIds.map((id, i) => ({ id, weight: weights[i] ?? 1, demand: wanted.get(id) ?? 0 })),
      totalGpus,
    );
    // Free GPUs on nodes smaller than every waiting job's per-node need (a 4-GPU node while only
    // 8-GPU-per-node work waits): capacity no team could hold at this step, whatever the scheduler did.
    let minNeed = Number.POSITIVE_INFINITY;
    for (const j of [...pending, ...[...waiting.values()].map((w) => w.job)])
      minNeed = Math.min(minNeed, "count" in j.gpu ? j.gpu.count : j.gpu.gpusPerNode);
    let shapeIdle = 0;
    for (const n of usableNodes) if (n.gpuTotal < minNeed) shapeIdle += free.get(n.id) ?? 0;
    const entitledUsable = waterFill(
      teamIds.map((id, i) => ({ id, weight: weights[i] ?? 1, demand: wanted.get(id) ?? 0 })),
      totalGpus - shapeIdle,
    );
    for (const id of teamIds) {
      if ((wanted.get(id) ?? 0) <= 0) continue;
      actualGpuH.set(id, (actualGpuH.get(id) ?? 0) + (held.get(id) ?? 0) * STEP_H);
      entitledGpuH.set(id, (entitledGpuH.get(id) ?? 0) + (entitled.get(id) ?? 0) * STEP_H);
      entitledUsableGpuH.set(id, (entitledUsableGpuH.get(id) ?? 0) + (entitledUsable.get(id) ?? 0) * STEP_H);
    }
    const totalWanted = [...wanted.values()].reduce((s, g) => s + g, 0);
    if (totalWanted > totalGpus) {
      overSteps++;
      usedWhenOver += [...held.values()].reduce((s, g) => s + g, 0);
      shapeIdleWhenOver += shapeIdle;
    }
    if (step % Math.round(120 / STEP_MIN) === 0) {
      console.log(
        `${mode} h${(step * STEP_H).toFixed(1)} running ${running.size} pending ${pending.length} held ${[...held.values()].reduce((s, g) => s + g, 0)}/${totalGpus} step ${(performance.now() - t0).toFixed(0)} ms`,
      );
    }
  }
  const teams = teamIds.map((id, i) => {
    const actual = actualGpuH.get(id) ?? 0;
    const fair = entitledGpuH.get(id) ?? 0;
    const fairUsable = entitledUsableGpuH.get(id) ?? 0;
    return {
      teamId: id,
      weight: weights[i],
      guaranteedGpus: guarantees[i],
      gpuHours: round(actual),
      entitledGpuHours: round(fair),
      deviationPct: fair > 0 ? round((Math.abs(actual - fair) / fair) * 100) : null,
      entitledGpuHoursOfShapeUsable: round(fairUsable),
      deviationPctOfShapeUsable:
        fairUsable > 0 ? round((Math.abs(actual - fairUsable) / fairUsable) * 100) : null,
    };
  });
  const metrics: TMetrics = {
    maxEntitlementDeviationPct: round(Math.max(0, ...teams.map((t) => t.deviationPct ?? 0))),
    utilisationPctWhenOversubscribed:
      overSteps > 0 ? round((usedWhenOver / (overSteps * totalGpus)) * 100) : null,

    preemptionsPerHour: round(preemptions / HOURS),
    gpuHoursLostToPreemption: round(lostGpuH),
  };
  // The utilisation over the GPUs the waiting work could use at all: a free GPU on a node smaller
  // than every waiting job's per-node need (a 4-GPU node while only 8-GPU-per-node work waits) is
  // left out. Not one of the figures: it says how much of the gap is node shapes.
  const utilisationPctOfShapeUsable =
    overSteps > 0 ? round((usedWhenOver / (overSteps * totalGpus - shapeIdleWhenOver)) * 100) : null;
  return {
    metrics,
    teams,
    oversubscribedSteps: overSteps,
    utilisationPctOfShapeUsable,
    maxEntitlementDeviationPctOfShapeUsable: round(
      Math.max(0, ...teams.map((t) => t.deviationPctOfShapeUsable ?? 0)),
    ),
    meanStepMs: round(stepMs / STEPS),
  };
}

/** Weighted max-min fair shares of `capacity` GPUs among teams with demand, capped by demand. */
function waterFill(
  teams: { id: string; weight: number; demand: number }[],
  capacity: number,
): Map<string, number> {
  const out = new Map<string, number>();
  let left = capacity;
  let active = teams.filter((t) => t.demand > 0);
  for (const t of teams) out.set(t.id, 0);
  while (active.length > 0 && left > 1e-9) {
    const w = active.reduce((s, t) => s + t.weight, 0);
    const level = left / w;
    const capped = active.filter((t) => t.demand - (out.get(t.id) ?? 0) <= t.weight * level);
    if (capped.length === 0) {
      for (const t of active) out.set(t.id, (out.get(t.id) ?? 0) + t.weight * level);
      break;
    }
    for (const t of capped) {
      left -= t.demand - (out.get(t.id) ?? 0);
      out.set(t.id, t.demand);
    }
    active = active.filter((t) => !capped.includes(t));
  }
  return out;
}

function round(x: number, digits = 2): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

const ONLY = args.get("only");
/** A scheduler's half of the full results file, for --merge. */
type THalf = {
  metrics: TMetrics | null;
  teams: readonly unknown[];
  oversubscribedSteps: number | null;
  utilisationPctOfShapeUsable: number | null;
  maxEntitlementDeviationPctOfShapeUsable: number | null;
  meanStepMs: number | null;
};
const skipped: THalf = {
  metrics: null,
  teams: [],
  oversubscribedSteps: null,
  utilisationPctOfShapeUsable: null,
  maxEntitlementDeviationPctOfShapeUsable: null,
  meanStepMs: null,
};

function keptHalf(mode: TScheduler): THalf {
  const kept = JSON.parse(readRepoText(FULL_RESULTS));
  return {
    metrics: kept[mode],
    teams: kept.meta.teams[mode],
    oversubscribedSteps: kept.meta.oversubscribedSteps[mode],
    utilisationPctOfShapeUsable: kept.meta.utilisationPctOfShapeUsable[mode],
    maxEntitlementDeviationPctOfShapeUsable:
      kept.meta.maxEntitlementDeviationPctOfShapeUsable?.[mode] ?? null,
    meanStepMs: kept.meta.meanStepMs[mode],
  };
}
const other = (mode: TScheduler): THalf => (MERGE ? keptHalf(mode) : skipped);
const switchyard = ONLY === "baseline" ? other("switchyard") : simulate("switchyard");
const baseline = ONLY === "switchyard" ? other("baseline") : simulate("baseline");
const jobs = arrivals.reduce((s, a) => s + a.length, 0);
writeRepoJson(RESULTS, {
  trace: { teams: TEAMS, hours: HOURS, sites: SITES, nodes: NODES },
  switchyard: switchyard.metrics,
  baseline: baseline.metrics,
  meta: {
    seed: SEED,
    stepMinutes: STEP_MIN,
    gracePeriodMinutes: GRACE_STEPS * STEP_MIN,
    reclaimAfterMinutes: RECLAIM_AFTER_STEPS * STEP_MIN,
    gpus: totalGpus,
    jobs,
    refusedJobs: refused,
    definitions: {
      entitlement:
        "per step, a team's weighted max-min fair share of the estate's GPUs (READY nodes of ACTIVE sites, all models as one pool: every job may run on any model) among the teams with demand (GPUs running + waiting), capped by its own demand; summed over the steps in which the team had demand, in GPU-hours",
      maxEntitlementDeviationPct:
        "over teams, |GPU-hours held − entitled GPU-hours| / entitled GPU-hours × 100, both summed over the steps in which the team had demand (a preempted job holds its GPUs until its grace period ends)",
      utilisationPctWhenOversubscribed:
        "GPUs held / GPUs in the estate, summed over the steps in which demand (running + waiting GPUs) exceeded the estate",
      utilisationPctOfShapeUsable:
        "as utilisationPctWhenOversubscribed, less the free GPUs on nodes with fewer GPUs than the smallest per-node need of any waiting job (its count when single-node, its gpusPerNode when a gang): capacity no waiting job could take whatever the scheduler did at that step",
      maxEntitlementDeviationPctOfShapeUsable:
        "as maxEntitlementDeviationPct, with each step's fair shares taken of the GPUs the work could hold at that step: the estate less the free GPUs on nodes smaller than every waiting job's per-node need (see utilisationPctOfShapeUsable). Not one of the issue's figures: on an estate with GPUs no waiting job fits, the issue's entitlement shares out GPUs nobody could hold, so every team falls short of it by about the unusable part",
      preemptionsPerHour: "jobs stopped to reclaim borrowed GPUs, per hour of the trace",
      gpuHoursLostToPreemption:
        "GPUs × hours each preempted job had run when it stopped (including its grace period): no checkpoints, the job restarts from the beginning, keeping its place in age",
      switchyard:
        "each step: fairRound, the engine function the product's reconcile loop calls (computeShares with guarantees = the estate split by weight as a '*' class and shares counted in GPUs of any model, one pooled class, since every job may take any model → planReclaim in fair-share mode: fairOrder of the waiting jobs, placeBatch in that order without preemption and with the round's node fit while the queue asks for more GPUs than are free (FAIR_NODE_FIT: jobs of a few GPUs take nodes of their size before a share of a big one), then reclaim of borrowed GPUs for work that has waited 15 minutes and whose team is below its guarantee or under its fair share at its turn, from teams over their fair share and never below it); work waiting for a victim counts as its team's usage; victims stop after the grace period and the reclaiming job then starts on their nodes",
      baseline:
        "FIFO with fixed quotas: each team's quota is its guarantee (no borrowing: a team never holds more than its guarantee), jobs in submission order, best effort (a job that does not fit is skipped, not blocking), placeBatch in that order, no preemption",
      trace: `20 teams of weights ${JSON.stringify(weights)} in 4 departments; each team alternates bursts (mean ${MEAN_ON_H} h) and quiet spells (mean ${MEAN_OFF_H} h); while bursting it submits jobs at ${BURST_LOAD}× its weighted share of the estate (Poisson per step, 5% of steps and each team's first bring 6× that); jobs: ${SINGLE_SHARE * 100}% single-node ${SINGLE_SIZES.join("/")} GPUs, the rest gangs of ${GANG_NODES.join("/")} × 8 GPUs (bigger on the full estate, so that it has as many jobs as the dev one, not 25× more), 0.5–8 h log-uniform, priority 0–2, any GPU model`,
    },
    oversubscribedSteps: {
      switchyard: switchyard.oversubscribedSteps,
      baseline: baseline.oversubscribedSteps,
      of: STEPS,
    },
    utilisationPctOfShapeUsable: {
      switchyard: switchyard.utilisationPctOfShapeUsable,
      baseline: baseline.utilisationPctOfShapeUsable,
    },
    maxEntitlementDeviationPctOfShapeUsable: {
      switchyard: switchyard.maxEntitlementDeviationPctOfShapeUsable,
      baseline: baseline.maxEntitlementDeviationPctOfShapeUsable,
    },
    meanStepMs: { switchyard: switchyard.meanStepMs, baseline: baseline.meanStepMs },
    teams: { switchyard: switchyard.teams, baseline: baseline.teams },
    node: process.version,
    cpus: cpus().length,
    ...(MERGE ? { merged: `only ${ONLY} was run; the other half is kept from the earlier run` } : {}),
    loadAverageAtEnd: loadavg().map((x) => round(x)),
    totalSeconds: round((performance.now() - started) / 1000, 1),
  },
});
console.log(JSON.stringify({ switchyard: switchyard.metrics, baseline: baseline.metrics }));
console.log(`wrote ${RESULTS}`);

/**
 * Expected start times from replaying the queue (the /queue page's "expected start"): pure,
 * deterministic, no clock (now is an argument).
 *
 * Running work frees its GPUs at its estimated end (start + estimated hours); the queue is
 * walked in fair order, each workload starting at the first moment its GPU model has enough
 * free GPUs (any model for "*") and its team stays within its limit, and never before the
 * workload ahead of it (no backfilling). GPUs are pooled across sites per model, so a gang's
 * node shape and data residency are not modelled: an estimate, not a promise. When the GPUs
 * a workload waits for are held by work without an estimated end, it and everything behind
 * it is "unknown".
 */

export type TReplayRunning = { teamId: string; gpuModel: string; gpus: number; endsAt: number | null };
export type TReplayQueued = {
  workloadId: string;
  teamId: string;
  /** A model, or "*" for any. */
  gpuModel: string;
  gpus: number;
  /** Estimated run time; null: unknown (it still starts, but what it frees later is unknown). */
  hours: number | null;
  /** Waiting for something the replay does not model (approval, data, a dependency): skipped. */
  blocked: boolean;
};
export type TReplayInput = {
  now: number;
  /** GPUs per model of usable nodes. */
  capacity: Readonly<Record<string, number>>;
  running: readonly TReplayRunning[];
  /** In fair order. */
  queue: readonly TReplayQueued[];
  /** Most GPUs (all models) a team may hold; absent: unlimited. */
  teamLimits: ReadonlyMap<string, number>;
};
export type TExpectedStart = { workloadId: string; startsAt: number | null; why: string };

type TEnd = { at: number | null; teamId: string; gpuModel: string; gpus: number };

export function replayQueue(input: TReplayInput): TExpectedStart[] {
  const free = new Map(Object.entries(input.capacity));
  const held = new Map<string, number>();
  const ends: TEnd[] = [];
  for (const r of input.running) {
    free.set(r.gpuModel, (free.get(r.gpuModel) ?? 0) - r.gpus);
    held.set(r.teamId, (held.get(r.teamId) ?? 0) + r.gpus);
    ends.push({ at: r.endsAt, teamId: r.teamId, gpuModel: r.gpuModel, gpus: r.gpus });
  }
  const release = (end: TEnd) => {
    free.set(end.gpuModel, (free.get(end.gpuModel) ?? 0) + end.gpus);
    held.set(end.teamId, (held.get(end.teamId) ?? 0) - end.gpus);
  };
  const pickModel = (q: TReplayQueued): string | null => {
    if (q.gpuModel !== "*") return (free.get(q.gpuModel) ?? 0) >= q.gpus ? q.gpuModel : null;
    let best: string | null = null;
    for (const [model, gpus] of free)
      if (gpus >= q.gpus && (best === null || gpus > (free.get(best) ?? 0))) best = model;
    return best;
  };
  const withinLimit = (q: TReplayQueued) => {
    const limit = input.teamLimits.get(q.teamId);
    return limit === undefined || (held.get(q.teamId) ?? 0) + q.gpus <= limit;
  };
  const fitsEver = (q: TReplayQueued) =>
    (q.gpuModel === "*"
      ? Math.max(0, ...Object.values(input.capacity))
      : (input.capacity[q.gpuModel] ?? 0)) >= q.gpus &&
    (input.teamLimits.get(q.teamId) ?? Number.POSITIVE_INFINITY) >= q.gpus;

  let clock = input.now;
  let stuck: string | null = null;
  const out: TExpectedStart[] = [];
  for (const q of input.queue) {
    if (q.blocked) {
      out.push({
        workloadId: q.workloadId,
        startsAt: null,
        why: "waits for something the replay cannot time",
      });
      continue;
    }
    if (stuck !== null) {
      out.push({ workloadId: q.workloadId, startsAt: null, why: stuck });
      continue;
    }
    if (!fitsEver(q)) {
      out.push({
        workloadId: q.workloadId,
        startsAt: null,
        why: "more GPUs than the estate or its team limit has",
      });
      continue;
    }
    // Release what has ended by the clock, then wait for the next ends until it fits.
    ends.sort((a, b) => (a.at ?? Number.POSITIVE_INFINITY) - (b.at ?? Number.POSITIVE_INFINITY));
    while (ends.length > 0 && ends[0]?.at !== null && (ends[0]?.at ?? 0) <= clock)
      release(ends.shift() as TEnd);
    let model = withinLimit(q) ? pickModel(q) : null;
    while (model === null) {
      const next = ends.shift();
      if (next === undefined || next.at === null) {
        stuck = "the GPUs it needs are held by work without an estimated end";
        break;
      }
      clock = Math.max(clock, next.at);
      release(next);
      model = withinLimit(q) ? pickModel(q) : null;
    }
    if (model === null) {
      out.push({ workloadId: q.workloadId, startsAt: null, why: stuck ?? "unknown" });
      continue;
    }
    free.set(model, (free.get(model) ?? 0) - q.gpus);
    held.set(q.teamId, (held.get(q.teamId) ?? 0) + q.gpus);
    ends.push({
      at: q.hours === null ? null : clock + q.hours * 3_600_000,
      teamId: q.teamId,
      gpuModel: model,
      gpus: q.gpus,
    });
    out.push({
      workloadId: q.workloadId,
      startsAt: clock,
      why: clock === input.now ? "fits now" : "when running work ahead of it ends (estimated hours)",
    });
  }
  return out;
}

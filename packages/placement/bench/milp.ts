import highsLoader from "highs";
import { buildItem, roomByPool } from "../src/batch/build-options";
import { type TPreparedSnapshot, type TWorkloadRequestInput, ZSnapshot } from "../src/index";
import { checkPlacement } from "../src/place/place";
import { independentOptions, type TIndependentOption } from "../src/testing/check-hard-constraints";

/**
 * Cost of leaving a workload unplaced in the MILP: above any placement's cost (so one
 * more placed always wins), yet small enough that HiGHS's relative gap (1e-9 of the
 * objective, plus an absolute cent) still proves the cost to the cent.
 */
const penaltyFor = (maxCost: number) => Math.max(1e4, 10 * maxCost);

export type TMilpResult = {
  readonly status: string;
  /** Ids of the workloads the optimum places. */
  readonly placedIds: readonly string[];
  /** Column values of the solution, for debugging. */
  readonly columns: Readonly<Record<string, number>>;
  readonly costUsd: number;
  readonly placed: number;
  readonly solverMs: number;
  /** Building the model (options per workload, LP text) before solving: not in solverMs. */
  readonly modelMs: number;
  readonly variables: number;
  readonly constraints: number;
};

/**
 * The options of every request by the independent re-statement of the rules
 * (src/testing/check-hard-constraints.ts), not by the engine's filters: what the MILP
 * is built from. Computed once per batch and reused across solves.
 */
export function milpOptions(
  prepared: TPreparedSnapshot,
  requests: readonly TWorkloadRequestInput[],
): TIndependentOption[][] {
  const snapshot = ZSnapshot.parse(prepared.snapshot);
  return requests.map((request) => independentOptions(snapshot, request));
}

/**
 * Cross-checks the two models: every option the engine would consider for a request
 * (all of them, no window) must be one the independent rules give, at the same cost to
 * the cent, and the other way round. Returns the differences (empty when none).
 */
export function crossCheckOptions(
  prepared: TPreparedSnapshot,
  requests: readonly TWorkloadRequestInput[],
  independent: readonly TIndependentOption[][],
): string[] {
  const room = roomByPool(prepared, false);
  const problems: string[] = [];
  requests.forEach((raw, i) => {
    const checked = checkPlacement(prepared, raw, undefined, {}, "");
    if (checked.request === undefined || checked.engine === undefined) throw new Error(`bad request ${i}`);
    const item = buildItem(prepared, i, checked.request, checked.engine, room, Number.POSITIVE_INFINITY);
    const engine = new Map<string, number>();
    for (let k = 0; k < item.optCost.length; k++) {
      const ref = item.optRef[k] as number;
      const at = checked.request.gang ? prepared.pools[ref] : prepared.groups[ref];
      const site = prepared.sites[at?.siteIdx ?? -1]?.site.id;
      const fabric = checked.request.gang ? prepared.pools[ref]?.fabric : undefined;
      const key = `${site}|${at?.model}|${fabric ?? ""}`;
      engine.set(key, Math.min(engine.get(key) ?? Number.POSITIVE_INFINITY, item.optCost[k] as number));
    }
    const mine = new Map<string, number>();
    for (const option of independent[i] ?? []) {
      mine.set(`${option.siteId}|${option.gpuModel}|${option.fabric ?? ""}`, option.totalUsd);
    }
    for (const [key, cost] of engine) {
      const other = mine.get(key);
      if (other === undefined) problems.push(`${raw.id}: engine option ${key} breaks the rules`);
      else if (Math.abs(other - cost) > 0.01)
        problems.push(`${raw.id}: ${key} costs ${cost}, rules say ${other}`);
    }
    for (const key of mine.keys()) {
      if (!engine.has(key)) problems.push(`${raw.id}: engine misses option ${key}`);
    }
  });
  return problems;
}

/**
 * The batch as a MILP at node level, built from the independent rules' options and costs
 * (milpOptions), not from the engine's: a single-node workload picks one node with room;
 * a gang picks one fabric of one site and model, and N nodes on it; every node keeps its
 * free GPUs; team quotas (per model and "*") hold over the whole batch; a workload left
 * unplaced costs UNPLACED_PENALTY. Solved exactly by HiGHS.
 *
 * The objective is the engine's: as many workloads placed as possible, then the least
 * cost. That holds for one priority tier only (the engine places tiers strictly one after
 * another, which one penalty cannot express), so requests must share one priority.
 */
export async function solveBatchMilp(
  prepared: TPreparedSnapshot,
  requests: readonly TWorkloadRequestInput[],
  options?: readonly TIndependentOption[][],
  /** Solve the LP relaxation instead (no integrality): for studying bounds. */
  relax = false,
  /**
   * Place exactly this many (no penalty for the others): with relax, the LP bound on the
   * cost of placing that many, to compare with the engine's own bound.
   */
  placeExactly?: number,
): Promise<TMilpResult> {
  if (new Set(requests.map((r) => r.priority ?? 0)).size > 1) {
    throw new Error("the MILP does not model priority tiers; use requests of one priority");
  }
  const modelStart = performance.now();
  const byRequest = options ?? milpOptions(prepared, requests);
  const UNPLACED_PENALTY = penaltyFor(
    Math.max(0, ...byRequest.flatMap((list) => list.map((o) => o.totalUsd))),
  );
  const snapshot = prepared.snapshot;
  const nodeIdx = new Map(snapshot.nodes.map((n, i) => [n.id, i]));
  const free = snapshot.nodes.map((n) => n.gpuFree);
  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const nodeTerms = new Map<number, string[]>();
  const quotaTerms = new Map<number, string[]>();

  requests.forEach((raw, i) => {
    const perNode = "count" in raw.gpu ? raw.gpu.count : raw.gpu.gpusPerNode;
    const nodeCount = "count" in raw.gpu ? 1 : raw.gpu.nodes;
    const total = perNode * nodeCount;
    const quotaRows = snapshot.quotas.map((q, qi) => ({ q, qi })).filter(({ q }) => q.teamId === raw.teamId);
    // A workload without options stays out: a constant, not a variable.
    if ((byRequest[i] ?? []).length === 0) return;
    const assign: string[] = [`u${i}`];
    objective.push(`${placeExactly === undefined ? UNPLACED_PENALTY : 0} u${i}`);
    binaries.push(`u${i}`);
    (byRequest[i] ?? []).forEach((option, k) => {
      const chosen: string[] = [];
      if (option.fabric === undefined) {
        for (const id of option.nodeIds) {
          const n = nodeIdx.get(id) as number;
          const x = `x${i}_${n}`;
          binaries.push(x);
          objective.push(`${option.totalUsd} ${x}`);
          assign.push(x);
          chosen.push(x);
          pushTerm(nodeTerms, n, `${perNode} ${x}`);
        }
      } else {
        const z = `z${i}_${k}`;
        binaries.push(z);
        objective.push(`${option.totalUsd} ${z}`);
        assign.push(z);
        chosen.push(z);
        const members: string[] = [];
        for (const id of option.nodeIds) {
          const n = nodeIdx.get(id) as number;
          const y = `y${i}_${k}_${n}`;
          binaries.push(y);
          members.push(y);
          pushTerm(nodeTerms, n, `${perNode} ${y}`);
        }
        rows.push(
          `g${i}_${k}: ${[...members, `- ${nodeCount} ${z}`].join(" + ").replaceAll("+ -", "-")} = 0`,
        );
      }
      for (const { q, qi } of quotaRows) {
        if (q.gpuModel !== "*" && q.gpuModel !== option.gpuModel) continue;
        for (const v of chosen) pushTerm(quotaTerms, qi, `${total} ${v}`);
      }
    });
    rows.push(`a${i}: ${assign.join(" + ")} = 1`);
  });
  if (placeExactly !== undefined) {
    const us = requests.map((_, i) => i).filter((i) => (byRequest[i] ?? []).length > 0);
    rows.push(`card: ${us.map((i) => `u${i}`).join(" + ")} = ${us.length - placeExactly}`);
  }
  for (const [n, terms] of [...nodeTerms.entries()].sort((a, b) => a[0] - b[0])) {
    rows.push(`c${n}: ${terms.join(" + ")} <= ${free[n]}`);
  }
  for (const [qi, terms] of [...quotaTerms.entries()].sort((a, b) => a[0] - b[0])) {
    const q = snapshot.quotas[qi];
    if (q !== undefined)
      rows.push(`q${qi}: ${terms.join(" + ")} <= ${Math.max(0, q.limitGpus - q.usedGpus)}`);
  }
  const lp = [
    "Minimize",
    ` obj: ${wrap(objective)}`,
    "Subject To",
    ...rows.map((row) => ` ${wrap(row.split(" + "))}`),
    ...(relax ? ["Bounds", ...binaries.map((name) => ` ${name} <= 1`)] : ["Binaries"]),
    ...(relax ? [] : chunk(binaries, 20).map((names) => ` ${names.join(" ")}`)),
    "End",
  ].join("\n");

  const modelMs = performance.now() - modelStart;
  const highs = await loadHighs();
  const start = performance.now();
  const solution = highs.solve(lp, {
    mip_rel_gap: 1e-9,
    mip_abs_gap: 0.005,
    time_limit: 300,
    output_flag: false,
  });
  const solverMs = performance.now() - start;
  const placedIds = requests
    .filter((_, i) => (byRequest[i] ?? []).length > 0 && primal(solution.Columns[`u${i}`]) < 0.5)
    .map((r) => r.id);
  const placed = placedIds.length;
  const unplaced = requests.filter((_, i) => (byRequest[i] ?? []).length > 0).length - placed;
  return {
    status: solution.Status,
    placedIds,
    columns: Object.fromEntries(
      Object.entries(solution.Columns).map(([name, column]) => [name, primal(column)]),
    ),
    costUsd: solution.ObjectiveValue - (placeExactly === undefined ? unplaced * UNPLACED_PENALTY : 0),
    placed,
    solverMs,
    modelMs,
    variables: binaries.length,
    constraints: rows.length,
  };
}

/**
 * One HiGHS instance for every solve: each `highsLoader()` instantiates the WebAssembly
 * module afresh with its own memory, and dozens of dropped instances make V8 run full
 * collections in the middle of whatever is being timed next.
 */
let highsInstance: ReturnType<typeof highsLoader> | undefined;
export function loadHighs(): ReturnType<typeof highsLoader> {
  highsInstance ??= highsLoader();
  return highsInstance;
}

function pushTerm(map: Map<number, string[]>, key: number, term: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [term]);
  else list.push(term);
}

/** LP files keep lines short: a few terms per line. */
export function wrap(terms: readonly string[]): string {
  return chunk(terms, 8)
    .map((part) => part.join(" + "))
    .join("\n + ");
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function primal(column: unknown): number {
  const value = (column as { Primal?: unknown } | undefined)?.Primal;
  return typeof value === "number" ? value : 1;
}

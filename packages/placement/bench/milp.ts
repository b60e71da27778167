import highsLoader from "highs";
import { buildItem, roomByPool } from "../src/batch/build-options";
import type { TPreparedSnapshot, TWorkloadRequestInput } from "../src/index";
import { checkPlacement } from "../src/place/place";

/** Cost of leaving a workload unplaced in the MILP: far above any placement cost. */
const UNPLACED_PENALTY = 1e8;

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
 * The batch as a MILP over the same options the engine sees (same filters, same costs),
 * at node level: a single-node workload picks one node with room; a gang picks one
 * fabric pool and N nodes in it; every node keeps its free GPUs; a workload left
 * unplaced costs UNPLACED_PENALTY. Solved exactly by HiGHS.
 *
 * The objective is the engine's: as many workloads placed as possible, then the least
 * cost. That holds for one priority tier only (the engine places tiers strictly one after
 * another, which one penalty cannot express), so requests must share one priority.
 */
export async function solveBatchMilp(
  prepared: TPreparedSnapshot,
  requests: readonly TWorkloadRequestInput[],
): Promise<TMilpResult> {
  if (prepared.quotas.size > 0) throw new Error("the MILP does not model quotas; use an estate without them");
  if (new Set(requests.map((r) => r.priority ?? 0)).size > 1) {
    throw new Error("the MILP does not model priority tiers; use requests of one priority");
  }
  const modelStart = performance.now();
  const room = roomByPool(prepared, false);
  const free = prepared.capacity.free;
  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const nodeTerms = new Map<number, string[]>();
  const gpusOf: number[] = [];

  requests.forEach((raw, i) => {
    const checked = checkPlacement(prepared, raw, undefined, {}, "");
    if (checked.request === undefined || checked.engine === undefined) throw new Error(`bad request ${i}`);
    const request = checked.request;
    const item = buildItem(prepared, i, request, checked.engine, room, Number.POSITIVE_INFINITY);
    gpusOf[i] = request.gpusPerNode;
    const assign: string[] = [`u${i}`];
    objective.push(`${UNPLACED_PENALTY} u${i}`);
    binaries.push(`u${i}`);
    for (let k = 0; k < item.optCost.length; k++) {
      const cost = item.optCost[k] as number;
      const ref = item.optRef[k] as number;
      if (!request.gang) {
        for (const poolIdx of prepared.groups[ref]?.pools ?? []) {
          for (const n of prepared.pools[poolIdx]?.nodes ?? []) {
            if ((free[n] ?? 0) < request.gpusPerNode) continue;
            const x = `x${i}_${n}`;
            binaries.push(x);
            objective.push(`${cost} ${x}`);
            assign.push(x);
            pushTerm(nodeTerms, n, `${request.gpusPerNode} ${x}`);
          }
        }
      } else {
        const z = `z${i}_${k}`;
        binaries.push(z);
        objective.push(`${cost} ${z}`);
        assign.push(z);
        const members: string[] = [];
        for (const n of prepared.pools[ref]?.nodes ?? []) {
          if ((free[n] ?? 0) < request.gpusPerNode) continue;
          const y = `y${i}_${n}`;
          binaries.push(y);
          members.push(y);
          pushTerm(nodeTerms, n, `${request.gpusPerNode} ${y}`);
        }
        rows.push(
          `g${i}_${k}: ${[...members, `- ${request.nodeCount} ${z}`].join(" + ").replaceAll("+ -", "-")} = 0`,
        );
      }
    }
    rows.push(`a${i}: ${assign.join(" + ")} = 1`);
  });
  for (const [n, terms] of [...nodeTerms.entries()].sort((a, b) => a[0] - b[0])) {
    rows.push(`c${n}: ${terms.join(" + ")} <= ${free[n]}`);
  }
  const lp = [
    "Minimize",
    ` obj: ${wrap(objective)}`,
    "Subject To",
    ...rows.map((row) => ` ${wrap(row.split(" + "))}`),
    "Binaries",
    ...chunk(binaries, 20).map((names) => ` ${names.join(" ")}`),
    "End",
  ].join("\n");

  const modelMs = performance.now() - modelStart;
  const highs = await loadHighs();
  const start = performance.now();
  const solution = highs.solve(lp, { mip_rel_gap: 1e-6, time_limit: 300, output_flag: false });
  const solverMs = performance.now() - start;
  const placedIds = requests.filter((_, i) => primal(solution.Columns[`u${i}`]) < 0.5).map((r) => r.id);
  const placed = placedIds.length;
  const unplaced = requests.length - placed;
  return {
    status: solution.Status,
    placedIds,
    columns: Object.fromEntries(
      Object.entries(solution.Columns).map(([name, column]) => [name, primal(column)]),
    ),
    costUsd: solution.ObjectiveValue - unplaced * UNPLACED_PENALTY,
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
function loadHighs(): ReturnType<typeof highsLoader> {
  highsInstance ??= highsLoader();
  return highsInstance;
}

function pushTerm(map: Map<number, string[]>, key: number, term: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [term]);
  else list.push(term);
}

/** LP files keep lines short: a few terms per line. */
function wrap(terms: readonly string[]): string {
  return chunk(terms, 8)
    .map((part) => part.join(" + "))
    .join("\n + ");
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function primal(column: unknown): number {
  const value = (column as { Primal?: unknown } | undefined)?.Primal;
  return typeof value === "number" ? value : 1;
}

/**
 * Demand routing for a fixed set of replicas: a min-cost max-flow from user regions to
 * sites (a transportation problem). Region r sends up to demand[r]; an arc r → s exists
 * when site s is within r's SLO and carries its latency as the cost; site s takes up to
 * capacity[s]. The most demand is served, and among the ways to serve it, the one with
 * the least latency × requests/s. Successive shortest paths (Bellman-Ford): the graphs are
 * small (regions × open sites).
 */
export type TCoverArc = { readonly region: number; readonly site: number; readonly latencyMs: number };

export type TFlow = {
  readonly served: number;
  /** Requests/s on each arc, in the order given. */
  readonly arcFlow: Float64Array;
};

/** Below this many requests/s a residual counts as none (demand is real-valued). */
export const FLOW_EPS = 1e-9;

export function routeDemand(
  demand: ArrayLike<number>,
  capacity: ArrayLike<number>,
  arcs: readonly TCoverArc[],
  withLatency: boolean,
): TFlow {
  const regions = demand.length;
  const sites = capacity.length;
  const source = regions + sites;
  const sink = source + 1;
  const nodes = sink + 1;
  // Residual graph as parallel arrays; edge e and e^1 are a pair.
  const to: number[] = [];
  const cap: number[] = [];
  const cost: number[] = [];
  const head = new Int32Array(nodes).fill(-1);
  const next: number[] = [];
  const add = (u: number, v: number, c: number, w: number) => {
    to.push(v, u);
    cap.push(c, 0);
    cost.push(w, -w);
    next.push(head[u] as number, head[v] as number);
    head[u] = to.length - 2;
    head[v] = to.length - 1;
  };
  for (let r = 0; r < regions; r++)
    if ((demand[r] as number) > FLOW_EPS) add(source, r, demand[r] as number, 0);
  const arcEdge = new Int32Array(arcs.length).fill(-1);
  arcs.forEach((arc, i) => {
    if ((capacity[arc.site] as number) <= FLOW_EPS || (demand[arc.region] as number) <= FLOW_EPS) return;
    arcEdge[i] = to.length;
    add(arc.region, regions + arc.site, Number.POSITIVE_INFINITY, withLatency ? arc.latencyMs : 0);
  });
  for (let s = 0; s < sites; s++)
    if ((capacity[s] as number) > FLOW_EPS) add(regions + s, sink, capacity[s] as number, 0);

  let served = 0;
  const dist = new Float64Array(nodes);
  const prevEdge = new Int32Array(nodes);
  const inQueue = new Uint8Array(nodes);
  for (;;) {
    dist.fill(Number.POSITIVE_INFINITY);
    prevEdge.fill(-1);
    dist[source] = 0;
    const queue = [source];
    inQueue.fill(0);
    inQueue[source] = 1;
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q] as number;
      inQueue[u] = 0;
      for (let e = head[u] as number; e >= 0; e = next[e] as number) {
        if ((cap[e] as number) <= FLOW_EPS) continue;
        const v = to[e] as number;
        const d = (dist[u] as number) + (cost[e] as number);
        if (d < (dist[v] as number) - 1e-12) {
          dist[v] = d;
          prevEdge[v] = e;
          if (inQueue[v] === 0) {
            inQueue[v] = 1;
            queue.push(v);
          }
        }
      }
    }
    if (prevEdge[sink] === -1) break;
    let push = Number.POSITIVE_INFINITY;
    for (let v = sink; v !== source; v = to[(prevEdge[v] as number) ^ 1] as number) {
      push = Math.min(push, cap[prevEdge[v] as number] as number);
    }
    for (let v = sink; v !== source; v = to[(prevEdge[v] as number) ^ 1] as number) {
      const e = prevEdge[v] as number;
      cap[e] = (cap[e] as number) - push;
      cap[e ^ 1] = (cap[e ^ 1] as number) + push;
    }
    served += push;
  }
  const arcFlow = new Float64Array(arcs.length);
  arcs.forEach((_, i) => {
    const e = arcEdge[i] as number;
    if (e >= 0) arcFlow[i] = cap[e ^ 1] as number;
  });
  return { served, arcFlow };
}

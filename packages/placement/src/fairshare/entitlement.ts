import type { TCapacityByModel } from "./amounts";
import { ANY_MODEL, type TEntitlementNode } from "./tree";

const STEPS = 60;
const TOL = 1e-12;

/**
 * Weighted DRF by progressive filling: every team with demand (used + pending GPUs per
 * model; "*" demand spread over models in proportion to their capacity) grows its
 * dominant share at the rate of its weight, each team's vector in the proportions of its
 * own demand, until its demand is met or a model it needs is full; the rest go on. The
 * result is each team's entitled dominant share and GPUs, never below the share covering
 * min(guarantee, demand). Deterministic, no input order.
 */
export function entitledShares(
  teams: readonly TEntitlementNode[],
  demandByTeam: ReadonlyMap<string, ReadonlyMap<string, number>>,
  capacity: TCapacityByModel,
  /** Units of demand per guaranteed GPU (1 unless shares are counted in GPU class units). */
  perGpu = 1,
): Map<string, { share: number; gpus: number }> {
  const models = Object.keys(capacity).filter((m) => (capacity[m] ?? 0) > 0);
  const total = models.reduce((s, m) => s + (capacity[m] ?? 0), 0);
  type TClaim = { id: string; weight: number; d: number[]; top: number; floor: number };
  const claims: TClaim[] = [];
  for (const team of teams) {
    const demand = demandByTeam.get(team.id);
    const any = demand?.get(ANY_MODEL) ?? 0;
    const d = models.map((m) => (demand?.get(m) ?? 0) + (any * (capacity[m] ?? 0)) / total);
    const top = Math.max(0, ...d.map((x, j) => x / (capacity[models[j] as string] ?? 1)));
    // The guarantee is the team's whatever the weights: its entitlement never falls below the
    // share that covers min(guarantee, demand) (Kueue's nominal quota, Run:ai's deserved quota).
    const wanted = d.reduce((sum, x) => sum + x, 0);
    const guaranteed = Object.values(team.guarantees).reduce((sum, g) => sum + g, 0) * perGpu;
    const floor = wanted > 0 ? (top * Math.min(guaranteed, wanted)) / wanted : 0;
    claims.push({ id: team.id, weight: team.weight, d, top, floor });
  }
  // Guarantees promised beyond the estate (more than it has now) shrink in proportion.
  let scale = 1;
  models.forEach((m, j) => {
    const floors = claims.reduce((sum, c) => sum + (c.top > 0 ? ((c.d[j] ?? 0) * c.floor) / c.top : 0), 0);
    if (floors > (capacity[m] ?? 0)) scale = Math.min(scale, (capacity[m] ?? 0) / floors);
  });
  for (const c of claims) c.floor *= scale;
  const level = (c: TClaim, lambda: number) => Math.max(c.floor, Math.min(c.weight * lambda, c.top));
  const share = new Map<string, number>();
  const fixedUse = models.map(() => 0);
  let active = claims.filter((c) => c.top > 0);
  for (const c of claims) if (c.top <= 0) share.set(c.id, 0);
  const use = (lambda: number) =>
    models.map((_, j) => {
      let sum = fixedUse[j] ?? 0;
      for (const c of active) sum += ((c.d[j] ?? 0) * level(c, lambda)) / c.top;
      return sum;
    });
  const fits = (u: number[]) => u.every((x, j) => x <= (capacity[models[j] as string] ?? 0) * (1 + TOL));
  let lo = 0;
  while (active.length > 0) {
    const hi = Math.max(...active.map((c) => c.top / c.weight));
    let lambda: number;
    if (fits(use(hi))) lambda = hi;
    else {
      let a = lo;
      let b = hi;
      for (let i = 0; i < STEPS; i++) {
        const mid = (a + b) / 2;
        if (fits(use(mid))) a = mid;
        else b = mid;
      }
      lambda = a;
    }
    const u = use(lambda);
    const full = models.map((m, j) => (u[j] ?? 0) >= (capacity[m] ?? 0) * (1 - 1e-6));
    const frozen = active.filter(
      (c) => c.weight * lambda >= c.top * (1 - 1e-9) || c.d.some((x, j) => x > 0 && full[j]),
    );
    // Numerically nothing froze: freeze the team closest to its demand, so the loop ends.
    const freeze =
      frozen.length > 0 ? frozen : [active.reduce((a, b) => (b.top / b.weight < a.top / a.weight ? b : a))];
    for (const c of freeze) {
      const s = level(c, lambda);
      share.set(c.id, s);
      c.d.forEach((x, j) => {
        fixedUse[j] = (fixedUse[j] ?? 0) + (x * s) / c.top;
      });
    }
    active = active.filter((c) => !freeze.includes(c));
    lo = lambda;
  }
  const out = new Map<string, { share: number; gpus: number }>();
  for (const c of claims) {
    const s = share.get(c.id) ?? 0;
    const gpus = c.top > 0 ? c.d.reduce((sum, x) => sum + (x * s) / c.top, 0) : 0;
    out.set(c.id, { share: s, gpus });
  }
  return out;
}

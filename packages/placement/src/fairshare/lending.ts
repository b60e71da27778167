import { compareIds } from "../snapshot/compare";

type TLedger = {
  readonly teamId: string;
  readonly model: string;
  readonly borrowed: number;
  readonly unused: number;
};

export type TFlows = {
  lentInDepartment: number;
  lentInOrganisation: number;
  borrowedFromDepartment: number;
  borrowedFromOrganisation: number;
};

/**
 * Who lends to whom, per model (and for the "*" totals): borrowed GPUs are matched first
 * with unused guarantees of the same department, then with those of the rest of the
 * organisation; what is left was guaranteed to nobody. Matched amounts are shared in
 * proportion (largest remainder, ties by team id), so the result is whole GPUs and does
 * not depend on input order. A team directly under the organisation is a department of one.
 */
export function lend(
  ledgers: readonly TLedger[],
  departmentOf: ReadonlyMap<string, string | null>,
): Map<string, TFlows> {
  const out = new Map<string, TFlows>();
  const flows = (l: TLedger) => {
    const key = `${l.teamId}\u0000${l.model}`;
    let f = out.get(key);
    if (f === undefined) {
      f = {
        lentInDepartment: 0,
        lentInOrganisation: 0,
        borrowedFromDepartment: 0,
        borrowedFromOrganisation: 0,
      };
      out.set(key, f);
    }
    return f;
  };
  const byModel = new Map<string, TLedger[]>();
  for (const l of ledgers) byModel.set(l.model, [...(byModel.get(l.model) ?? []), l]);
  for (const list of byModel.values()) {
    const left = new Map(list.map((l) => [l.teamId, { need: l.borrowed, spare: l.unused }]));
    const byDept = new Map<string, TLedger[]>();
    for (const l of list) {
      const dept = departmentOf.get(l.teamId) ?? `team:${l.teamId}`;
      byDept.set(dept, [...(byDept.get(dept) ?? []), l]);
    }
    const match = (members: readonly TLedger[], inDept: boolean) => {
      const need = members.reduce((s, l) => s + (left.get(l.teamId)?.need ?? 0), 0);
      const spare = members.reduce((s, l) => s + (left.get(l.teamId)?.spare ?? 0), 0);
      const matched = Math.min(need, spare);
      if (matched <= 0) return;
      const take = apportion(members, (l) => left.get(l.teamId)?.need ?? 0, matched);
      const give = apportion(members, (l) => left.get(l.teamId)?.spare ?? 0, matched);
      members.forEach((l, i) => {
        const state = left.get(l.teamId);
        const f = flows(l);
        const t = take[i] ?? 0;
        const g = give[i] ?? 0;
        if (state !== undefined) {
          state.need -= t;
          state.spare -= g;
        }
        if (inDept) {
          f.borrowedFromDepartment += t;
          f.lentInDepartment += g;
        } else {
          f.borrowedFromOrganisation += t;
          f.lentInOrganisation += g;
        }
      });
    };
    for (const dept of [...byDept.keys()].sort(compareIds)) match(byDept.get(dept) ?? [], true);
    match(list, false);
  }
  return out;
}

/** Splits `total` whole units over members in proportion to `of`, largest remainder first. */
function apportion<T extends { teamId: string }>(
  members: readonly T[],
  of: (m: T) => number,
  total: number,
): number[] {
  const sum = members.reduce((s, m) => s + of(m), 0);
  if (sum <= 0) return members.map(() => 0);
  const exact = members.map((m) => (of(m) / sum) * total);
  const parts = exact.map(Math.floor);
  let rest = total - parts.reduce((s, p) => s + p, 0);
  const order = members
    .map((m, i) => ({ i, frac: (exact[i] ?? 0) - (parts[i] ?? 0), id: m.teamId }))
    .sort((a, b) => b.frac - a.frac || compareIds(a.id, b.id));
  for (const { i } of order) {
    if (rest <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    rest--;
  }
  return parts;
}

/**
 * Local search counts its work in evaluations (a candidate move looked at, a chain or a
 * rearrangement tried), not in time, so that results do not depend on the machine.
 */
export type TSearch = { spent: number; readonly budget: number };

export function exhausted(search: TSearch): boolean {
  return search.spent >= search.budget;
}

/** Runs a step with at most `share` of what is left, and charges what it spent. */
export function withShare<T>(search: TSearch, share: number, run: (part: TSearch) => T): T {
  const part: TSearch = { spent: 0, budget: (search.budget - search.spent) * share };
  const result = run(part);
  search.spent += part.spent;
  return result;
}

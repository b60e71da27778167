/**
 * The candidates a decision's table shows: the best `limit`, then the chosen one when it ranks
 * past them (an override, or a batch that weighed the whole queue's cost, may pick a site the
 * score ranks low), so that where the workload went is always on the page.
 */
export function shownCandidates<C extends { siteId: string }>(
  candidates: readonly C[],
  chosenSiteId: string | null,
  limit: number,
): C[] {
  const top = candidates.slice(0, limit);
  const chosen = chosenSiteId ? candidates.find((c) => c.siteId === chosenSiteId) : undefined;
  return chosen && !top.includes(chosen) ? [...top, chosen] : top;
}

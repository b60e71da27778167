import type { TCandidate, TPlacementResult, TRejectedSite } from "@switchyard/placement";
import { DEFAULT_CANDIDATES } from "../router/workload/workload.schema.ts";

export { DEFAULT_CANDIDATES };

/** A number of candidates, or every one (with every rejected site and its reasons). */
export type TCandidateLimit = number | "all";

/** What a compact answer left out: feasible sites past the top N, and rejected sites (counted by reason). */
export type TOmitted = { candidates: number; rejected: number };

/**
 * The engine's answer cut to what a caller reads: the top `limit` candidates (the first is the
 * recommendation), the rejections counted by reason, and how many were left out. At 500 sites
 * the whole answer is about 400 KB; this one is a few KB. `"all"` keeps everything.
 */
export function compactResult<C extends TCandidate, R extends Omit<TPlacementResult, "candidates">>(
  result: R & { candidates: readonly C[] },
  limit: TCandidateLimit,
) {
  const candidates = limit === "all" ? result.candidates : result.candidates.slice(0, limit);
  const rejected: readonly TRejectedSite[] = limit === "all" ? result.rejected : [];
  const omitted: TOmitted = {
    // Feasible sites past the engine's maxCandidates were never built: left out all the same.
    candidates: result.candidates.length - candidates.length + (result.unbuilt ?? 0),
    rejected: result.rejected.length - rejected.length,
  };
  return { ...result, candidates, rejected, omitted };
}

/**
 * The explanation columns of a PlacementDecision row, as `placeOnEstate` writes them.
 * `keepSiteId`: that site's candidate is stored even past the top `limit` (when the engine built
 * it, see `includeSites`), so that scheduling at a site a batch chose finds it.
 */
export function decisionColumns(
  result: TPlacementResult,
  limit: TCandidateLimit = DEFAULT_CANDIDATES,
  keepSiteId?: string,
) {
  const compact = compactResult(result, limit);
  const kept = keepSiteId ? result.candidates.find((c) => c.siteId === keepSiteId) : undefined;
  const extra = kept && !compact.candidates.includes(kept) ? [kept] : [];
  return {
    candidates: {
      policy: result.policy,
      candidates: [...compact.candidates, ...extra],
      omitted: compact.omitted.candidates - extra.length,
    },
    rejections: {
      rejected: compact.rejected,
      reasonCounts: result.reasonCounts,
      funnel: result.funnel,
      counts: result.counts,
      omitted: compact.omitted.rejected,
    },
  };
}

type TStoredCandidates = {
  policy: TPlacementResult["policy"];
  candidates: TCandidate[];
  /** Feasible sites not stored (compact rows); absent in rows written before issue 16. */
  omitted?: number;
  /** Set when scheduling fell back from the recommendation to a later candidate. */
  fallback?: TFallback;
};
type TStoredRejections = Pick<TPlacementResult, "rejected" | "reasonCounts" | "funnel" | "counts"> & {
  omitted?: number;
};

/** Which stored candidate took the GPUs when the ones before it had lost theirs, and why. */
export type TFallback = {
  rank: number;
  siteId: string;
  tried: { rank: number; siteId: string; siteName: string; reason: string }[];
};

/**
 * A stored decision's explanation in one shape whatever the row's age: rows written before
 * decisions were compact hold every candidate and rejected site (nothing omitted); compact rows
 * hold the top N and the counts, and say how many they left out.
 */
export function readDecisionColumns(candidates: unknown, rejections: unknown) {
  const c = (candidates ?? {}) as Partial<TStoredCandidates>;
  const r = (rejections ?? {}) as Partial<TStoredRejections>;
  const stored = c.candidates ?? [];
  const rejected = r.rejected ?? [];
  const counts = r.counts ?? {
    sites: stored.length + rejected.length,
    feasible: stored.length,
    rejected: rejected.length,
  };
  return {
    candidates: {
      policy: c.policy as TPlacementResult["policy"],
      candidates: stored,
      omitted: c.omitted ?? 0,
      fallback: c.fallback ?? null,
    },
    rejections: {
      rejected,
      reasonCounts: r.reasonCounts ?? [],
      funnel: r.funnel ?? [],
      counts,
      omitted: r.omitted ?? 0,
    },
  };
}

import { FLOW_EPS } from "./cover-flow";
import type { TCoverProblem } from "./cover-problem";
import type { TRegionCoverage, TServiceCandidateSite, TServiceRejectedSite } from "./service-result";
import type { TCoverChoice } from "./solve-cover";

type TShare = { replica: number; siteId: string; rps: number; latencyMs: number };

/** Each region's coverage, and for a region short of demand the first reason that holds. */
export function explainRegions(
  problem: TCoverProblem,
  choice: TCoverChoice,
  shares: readonly TShare[][],
): TRegionCoverage[] {
  const { spec } = problem;
  return spec.regions.map((r, region) => {
    const servedBy = shares[region] ?? [];
    let served = 0;
    let weighted = 0;
    let worst: number | undefined;
    for (const share of servedBy) {
      served += share.rps;
      weighted += share.rps * share.latencyMs;
      worst = Math.max(worst ?? 0, share.latencyMs);
    }
    const short = r.demandRps - served > 1e-6 * Math.max(1, r.demandRps);
    const eligibleSites = problem.sites.filter((site) => site.reach.some((x) => x.region === region)).length;
    return {
      region: r.region,
      demandRps: r.demandRps,
      maxLatencyMs: r.maxLatencyMs,
      servedRps: round3(served),
      status: !short ? "covered" : served > FLOW_EPS ? "partial" : "uncovered",
      latencyMs: served > FLOW_EPS ? round3(weighted / served) : undefined,
      worstLatencyMs: worst,
      servedBy,
      reason: short ? whyShort(problem, choice, region) : undefined,
      eligibleSites,
    };
  });
}

function whyShort(problem: TCoverProblem, choice: TCoverChoice, region: number): string {
  const { prepared, spec, sites, firstReplica } = problem;
  const r = spec.regions[region];
  if (r === undefined) return "unknown region";
  const within = prepared.sites.filter((site) => {
    const ms = site.site.latencyMsByRegion[r.region];
    return ms !== undefined && ms <= r.maxLatencyMs;
  });
  if (within.length === 0) {
    let closest: { name: string; ms: number } | undefined;
    for (const site of prepared.sites) {
      const ms = site.site.latencyMsByRegion[r.region];
      if (ms !== undefined && (closest === undefined || ms < closest.ms))
        closest = { name: site.site.id, ms };
    }
    return closest === undefined
      ? `no site has latency data to ${r.region} users`
      : `no site within ${r.maxLatencyMs} ms of ${r.region} users (closest: ${closest.name} at ${closest.ms} ms)`;
  }
  const reaching = sites.flatMap((site, s) => (site.reach.some((x) => x.region === region) ? [s] : []));
  if (reaching.length === 0) {
    const why = within.slice(0, 3).map((site) => {
      const rejected = firstReplica.rejected.find((x) => x.siteId === site.site.id);
      const why = problem.excluded.get(site.site.id) ?? rejected?.reasons[0]?.message;
      return `${site.site.id}: ${why ?? "cannot host a replica"}`;
    });
    const more = within.length > 3 ? `, +${within.length - 3} more` : "";
    return `none of the ${within.length} site${within.length === 1 ? "" : "s"} within ${r.maxLatencyMs} ms can host a replica (${why.join("; ")}${more})`;
  }
  if (choice.replicas >= spec.maxReplicas) return `maxReplicas (${spec.maxReplicas}) reached`;
  const full = reaching.every((s) => (choice.counts[s] as number) >= (sites[s]?.slots.length ?? 0));
  if (full) {
    const names = reaching.map((s) => `${sites[s]?.site.site.id} (${choice.counts[s]})`).join(", ");
    return `no free nodes for more replicas at the sites within ${r.maxLatencyMs} ms: ${names}`;
  }
  return `team ${spec.teamId} has no GPU quota left for more replicas`;
}

/** Eligible sites with what they could do and why they host what they host; rejected sites with reasons. */
export function explainSites(
  problem: TCoverProblem,
  choice: TCoverChoice,
): { candidates: TServiceCandidateSite[]; rejected: TServiceRejectedSite[] } {
  const { spec, sites, firstReplica, outOfReach, excluded, excludedEligible } = problem;
  const candidates = sites.map((entry, s): TServiceCandidateSite => {
    const site = entry.site.site;
    const replicas = choice.counts[s] as number;
    const regionNames = entry.reach.map((x) => spec.regions[x.region]?.region ?? "");
    let note: string;
    if (replicas === 0) note = `not used: ${regionNames.join(", ")} served at lower cost or need no more`;
    else if (replicas >= entry.slots.length && entry.full) note = `hosts ${replicas}: no free nodes for more`;
    else note = `hosts ${replicas}`;
    return {
      siteId: site.id,
      siteName: site.name,
      siteKind: site.kind,
      reaches: entry.reach.map((x) => ({
        region: spec.regions[x.region]?.region ?? "",
        latencyMs: x.latencyMs,
      })),
      replicaCostUsd: Math.round((entry.slots[0]?.costUsd ?? 0) * 100) / 100,
      maxReplicas: entry.slots.length,
      replicas,
      note,
    };
  });
  const listed: TServiceRejectedSite[] = [
    ...firstReplica.rejected.map((x) => ({
      siteId: x.siteId,
      siteName: x.siteName,
      siteKind: x.siteKind,
      reasons: x.reasons,
    })),
    ...outOfReach.map((site) => ({
      siteId: site.site.id,
      siteName: site.site.name,
      siteKind: site.site.kind,
      reasons: [
        {
          plugin: "latency",
          code: "unresolvable" as const,
          message: "within no user region's latency SLO",
          detail: spec.regions
            .map((r) => {
              const ms = site.site.latencyMsByRegion[r.region];
              return ms === undefined
                ? `${r.region}: no data`
                : `${r.region}: ${ms} ms > ${r.maxLatencyMs} ms`;
            })
            .join(", "),
        },
      ],
    })),
    ...excludedEligible.map((site) => ({
      siteId: site.site.id,
      siteName: site.site.name,
      siteKind: site.site.kind,
      reasons: [],
    })),
  ];
  // The caller's exclusion comes first wherever the site is listed (it may fail other filters too).
  const rejected = listed
    .map((x) => {
      const why = excluded.get(x.siteId);
      if (why === undefined) return x;
      return {
        ...x,
        reasons: [{ plugin: "excluded", code: "unresolvable" as const, message: why }, ...x.reasons],
      };
    })
    .sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
  return { candidates, rejected };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

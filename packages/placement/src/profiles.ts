import type { TUtilisationMode } from "./schema/request.schema";

/** A named policy: which filters run, in which order, and how much each scorer weighs. */
export type TProfile = {
  readonly name: string;
  readonly description: string;
  readonly filters: readonly string[];
  readonly weights: Readonly<Record<string, number>>;
  readonly utilisation: TUtilisationMode;
};

/**
 * Hard constraints, cheapest and most decisive first. The order decides which reason a
 * site is counted under in the summary; every reason is still listed per site.
 */
export const DEFAULT_FILTERS: readonly string[] = [
  "site-status",
  "environment",
  "certifications",
  "data-residency",
  "latency",
  "gpu-model",
  "node-health",
  "gpu-capacity",
  "team-quota",
  "budget",
  "team-budget",
];

const profileList: readonly TProfile[] = [
  {
    name: "balanced",
    description: "Cost, latency and data gravity count about equally; pack sites to keep room for gangs.",
    filters: DEFAULT_FILTERS,
    weights: { cost: 3, latency: 2, "data-gravity": 2, utilisation: 1, carbon: 1 },
    utilisation: "binpack",
  },
  {
    name: "cost-first",
    description: "Cheapest total cost wins unless another site is much closer to the data.",
    filters: DEFAULT_FILTERS,
    weights: { cost: 10, latency: 1, "data-gravity": 1, utilisation: 1, carbon: 0 },
    utilisation: "binpack",
  },
  {
    name: "latency-first",
    description: "For online inference: closest to the users first, then cost; spread load across sites.",
    filters: DEFAULT_FILTERS,
    weights: { cost: 2, latency: 10, "data-gravity": 1, utilisation: 1, carbon: 0 },
    utilisation: "spread",
  },
  {
    name: "green",
    description: "Lowest estimated carbon first, then cost.",
    filters: DEFAULT_FILTERS,
    weights: { cost: 2, latency: 1, "data-gravity": 1, utilisation: 0, carbon: 10 },
    utilisation: "binpack",
  },
];

export const DEFAULT_PROFILE = "balanced";

export const profiles: ReadonlyMap<string, TProfile> = new Map(profileList.map((p) => [p.name, p]));

import type { Classification } from "@switchyard/db";

/** What a model takes from one input it was trained on (a dataset, or the model it tunes). */
export type TLineageSource = {
  id: string;
  name: string;
  classification: Classification;
  regulations: readonly string[];
  /** Empty: no country restriction. */
  residencyCountries: readonly string[];
  /** Empty: no jurisdiction restriction. */
  residencyJurisdictions: readonly string[];
  onPremOnly: boolean;
};

/** The rules a model carries, each with the inputs that put it there. */
export type TInheritedRules = {
  classification: Classification;
  regulations: string[];
  residencyCountries: string[];
  residencyJurisdictions: string[];
  onPremOnly: boolean;
  /** Names of the inputs each rule comes from, for "inherited from" on the model's page. */
  from: {
    classification: string[];
    regulations: Record<string, string[]>;
    residency: string[];
    onPremOnly: string[];
  };
};

export const CLASSIFICATION_ORDER: readonly Classification[] = [
  "PUBLIC",
  "INTERNAL",
  "CONFIDENTIAL",
  "REGULATED",
];

const rank = (c: Classification) => CLASSIFICATION_ORDER.indexOf(c);

/**
 * Intersection of the restricted sets (an empty set restricts nothing). When the inputs'
 * restrictions share no value, the model may stay only where it was produced: the training
 * run read all of them there, so that place is the one their rules already allowed together.
 */
function allowedEverywhere(sets: readonly (readonly string[])[], producedAt: string): string[] {
  const restricted = sets.filter((s) => s.length > 0);
  if (restricted.length === 0) return [];
  const [first, ...rest] = restricted;
  const common = (first ?? []).filter((v) => rest.every((s) => s.includes(v)));
  return common.length > 0 ? [...new Set(common)].sort() : [producedAt];
}

/**
 * The rules a model inherits from what it was trained on: the strictest classification, the
 * union of regulations, the intersection of residency (countries and jurisdictions) and
 * on-prem only if any input is. Pure: the same inputs always give the same rules.
 */
export function inheritRules(
  sources: readonly TLineageSource[],
  producedAt: { country: string; jurisdiction: string },
): TInheritedRules {
  const classification = sources.reduce<Classification>(
    (strictest, s) => (rank(s.classification) > rank(strictest) ? s.classification : strictest),
    "PUBLIC",
  );
  const regulations: Record<string, string[]> = {};
  for (const s of sources)
    for (const r of s.regulations) regulations[r] = [...(regulations[r] ?? []), s.name];
  const residencyCountries = allowedEverywhere(
    sources.map((s) => s.residencyCountries),
    producedAt.country,
  );
  const residencyJurisdictions = allowedEverywhere(
    sources.map((s) => s.residencyJurisdictions),
    producedAt.jurisdiction,
  );
  const names = (pick: (s: TLineageSource) => boolean) => sources.filter(pick).map((s) => s.name);
  return {
    classification,
    regulations: Object.keys(regulations).sort(),
    residencyCountries,
    residencyJurisdictions,
    onPremOnly: sources.some((s) => s.onPremOnly),
    from: {
      classification: classification === "PUBLIC" ? [] : names((s) => s.classification === classification),
      regulations,
      residency: names((s) => s.residencyCountries.length > 0 || s.residencyJurisdictions.length > 0),
      onPremOnly: names((s) => s.onPremOnly),
    },
  };
}

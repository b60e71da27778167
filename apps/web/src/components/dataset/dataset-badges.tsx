import type { CLASSIFICATIONS } from "@switchyard/api/schemas";

type TClassification = (typeof CLASSIFICATIONS)[number];

/** Sensitivity reads as a scale: public is calm, regulated is the loudest. */
const CLASSIFICATION_TONE: Record<TClassification, string> = {
  PUBLIC: "var(--color-status-idle)",
  INTERNAL: "var(--color-status-run)",
  CONFIDENTIAL: "var(--color-status-warn)",
  REGULATED: "var(--color-status-bad)",
};

export function ClassificationBadge({ classification }: { classification: TClassification }) {
  const tone = CLASSIFICATION_TONE[classification];
  return (
    <span
      className="inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium"
      // The tone mixed towards the text colour keeps the contrast on any background (the amber
      // of CONFIDENTIAL alone falls under 4.5:1 on the page header).
      style={{
        color: `color-mix(in oklch, ${tone} 70%, var(--color-foreground))`,
        backgroundColor: `color-mix(in oklch, ${tone} 14%, transparent)`,
      }}
    >
      {classification.charAt(0) + classification.slice(1).toLowerCase()}
    </span>
  );
}

export function RegulationBadges({ regulations }: { regulations: string[] }) {
  if (regulations.length === 0) return <span className="text-xs text-muted">–</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {regulations.map((r) => (
        <span
          key={r}
          className="rounded border border-border px-1.5 py-0.5 font-mono text-[11px] leading-none"
        >
          {r}
        </span>
      ))}
    </span>
  );
}

/** A dataset's residency rules in a few words: "US only · on-prem", "EU", "anywhere". */
export function residencyLabel(d: {
  residencyCountries: string[];
  residencyJurisdictions: string[];
  onPremOnly: boolean;
}): string {
  const parts = [
    ...(d.residencyCountries.length > 0 ? [`${d.residencyCountries.join(", ")} only`] : []),
    ...(d.residencyJurisdictions.length > 0 ? [`${d.residencyJurisdictions.join(", ")} jurisdiction`] : []),
    ...(d.onPremOnly ? ["on-prem only"] : []),
  ];
  return parts.length === 0 ? "anywhere" : parts.join(" · ");
}

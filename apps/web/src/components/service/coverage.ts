/** A region's coverage by a plan: the engine's status (packages/placement, TRegionCoverage). */
export type TCoverageStatus = "covered" | "partial" | "uncovered";

/** Served latency against the SLO: within (green), partly served (amber), not served (red). */
export const COVERAGE_TONE: Record<TCoverageStatus, string> = {
  covered: "var(--status-ok)",
  partial: "var(--status-warn)",
  uncovered: "var(--status-bad)",
};

export const COVERAGE_LABEL: Record<TCoverageStatus, string> = {
  covered: "covered within SLO",
  partial: "partly served",
  uncovered: "not covered",
};

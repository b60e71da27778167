import { cn } from "~/lib/cn";

export const SITE_KIND_LABEL = { ON_PREM: "On-prem", CLOUD: "Cloud", EDGE: "Edge" } as const;
export type TSiteKind = keyof typeof SITE_KIND_LABEL;

/** The one colour of each environment, shared by badges and charts. */
export const SITE_KIND_COLOR: Record<TSiteKind, string> = {
  ON_PREM: "var(--color-env-onprem)",
  CLOUD: "var(--color-env-cloud)",
  EDGE: "var(--color-env-edge)",
};

export function KindBadge({ kind, className }: { kind: TSiteKind; className?: string }) {
  return (
    <span
      className={cn("inline-flex items-center gap-1.5 rounded px-1.5 py-0.5 text-xs font-medium", className)}
      style={{
        color: SITE_KIND_COLOR[kind],
        backgroundColor: `color-mix(in oklch, ${SITE_KIND_COLOR[kind]} 14%, transparent)`,
      }}
    >
      <span className="size-1.5 rounded-full" style={{ backgroundColor: SITE_KIND_COLOR[kind] }} />
      {SITE_KIND_LABEL[kind]}
    </span>
  );
}

const STATUS_TONE: Record<string, string> = {
  READY: "var(--color-status-ok)",
  ACTIVE: "var(--color-status-ok)",
  AVAILABLE: "var(--color-status-ok)",
  SYNCING: "var(--color-status-run)",
  SUCCEEDED: "var(--color-status-ok)",
  APPROVED: "var(--color-status-ok)",
  EXPIRED: "var(--color-status-idle)",
  CORDONED: "var(--color-status-warn)",
  DRAINING: "var(--color-status-warn)",
  MAINTENANCE: "var(--color-status-warn)",
  DOWN: "var(--color-status-bad)",
  FAILED: "var(--color-status-bad)",
  REJECTED: "var(--color-status-bad)",
  DECOMMISSIONED: "var(--color-status-idle)",
  DRAFT: "var(--color-status-idle)",
  CANCELLED: "var(--color-status-idle)",
  PENDING: "var(--color-status-idle)",
  PREEMPTED: "var(--color-status-warn)",
  AWAITING_APPROVAL: "var(--color-status-wait)",
  SCHEDULED: "var(--color-status-run)",
  RUNNING: "var(--color-status-run)",
};

export function StatusBadge({ status }: { status: string }) {
  const tone = STATUS_TONE[status] ?? "var(--color-status-idle)";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs font-medium" style={{ color: tone }}>
      <span className="size-1.5 rounded-full" style={{ backgroundColor: tone }} />
      {status.replaceAll("_", " ").toLowerCase()}
    </span>
  );
}

import { formatInt } from "~/lib/format";

/**
 * A quota at a glance: the bar spans the limit, the fill is what the team holds now and the
 * tick marks the guaranteed share. Past the guarantee it turns amber; at the limit, red.
 */
export function QuotaBar({
  used,
  guaranteed,
  limit,
  className,
}: {
  used: number;
  guaranteed: number;
  limit: number;
  className?: string;
}) {
  const scale = Math.max(limit, used, 1);
  const tone =
    used >= limit && limit > 0
      ? "var(--color-status-bad)"
      : used > guaranteed
        ? "var(--color-status-warn)"
        : "var(--color-status-ok)";
  return (
    <div
      className={`relative h-1.5 w-full overflow-hidden rounded-full bg-foreground/10 ${className ?? ""}`}
      role="img"
      aria-label={`${formatInt(used)} GPUs used of a ${formatInt(limit)} limit, ${formatInt(guaranteed)} guaranteed`}
    >
      <div
        className="h-full rounded-full"
        style={{ width: `${(used / scale) * 100}%`, backgroundColor: tone }}
      />
      {guaranteed > 0 ? (
        <div
          className="absolute inset-y-0 w-px bg-foreground/60"
          style={{ left: `${(guaranteed / scale) * 100}%` }}
        />
      ) : null}
    </div>
  );
}

export const quotaModelLabel = (gpuModel: string) => (gpuModel === "*" ? "Any model" : gpuModel);

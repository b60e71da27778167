import { formatAgo, formatDateTime } from "~/lib/format-time";

/**
 * When the node's agent last reported, or "no agent" for a node nothing reports: its state
 * is then set by people (or by its site's scheduler sync), so "never" would contradict a
 * READY status.
 */
export function LastHeartbeat({ at }: { at: Date | null }) {
  if (at === null)
    return (
      <span
        className="text-muted"
        title="No node agent reports this node: its state is set by people or by its site's scheduler"
        data-testid="no-agent"
      >
        no agent
      </span>
    );
  return (
    <time dateTime={at.toISOString()} title={formatDateTime(at)}>
      {formatAgo(at)}
    </time>
  );
}

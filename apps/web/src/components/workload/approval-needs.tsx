import { cn } from "~/lib/cn";
import { describeNeed, type TNeed } from "./describe-need";

/**
 * The approvals choosing a candidate will need, as the server will ask for them when it is
 * scheduled. Null or undefined: not known (the decision can no longer be scheduled).
 */
export function ApprovalNeeds({
  approvals,
  className,
}: {
  approvals: readonly TNeed[] | null | undefined;
  className?: string;
}) {
  if (!approvals) return null;
  if (approvals.length === 0)
    return (
      <p className={cn("text-xs text-muted", className)} data-testid="approval-needs">
        No approval needed: schedules at once.
      </p>
    );
  return (
    <div className={cn("text-xs text-status-warn", className)} data-testid="approval-needs">
      <span className="font-medium">Needs approval:</span>
      <ul className="list-disc pl-4">
        {approvals.map((need) => (
          <li key={`${need.ruleKey}-${need.datasetId ?? ""}`}>{describeNeed(need)}</li>
        ))}
      </ul>
    </div>
  );
}

/** The same, inside the schedule button: nothing when the choice schedules at once. */
export function ScheduleApprovalNote({ approvals }: { approvals: readonly TNeed[] | null | undefined }) {
  if (!approvals || approvals.length === 0) return null;
  return (
    <span className="block text-xs font-normal" data-testid="schedule-approval-note">
      Needs approval: {approvals.map(describeNeed).join("; ")}
    </span>
  );
}

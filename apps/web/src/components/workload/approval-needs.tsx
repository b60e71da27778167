import type { RouterOutputs } from "@switchyard/api";
import { cn } from "~/lib/cn";

type TNeed = RouterOutputs["workload"]["preview"]["candidates"][number]["approvals"][number];

/** One approval in words: what asks for it and who decides, with the deciders' names. */
export function describeNeed(need: TNeed) {
  const what = need.kind === "PLACEMENT_OVERRIDE" ? "choosing it over the recommendation" : need.reason;
  const count = need.requiredApprovals > 1 ? `${need.requiredApprovals} approvals from ` : "";
  const names = need.approverNames.length > 0 ? ` (${need.approverNames.join(", ")})` : "";
  // The reason already names the dataset; "its stewards" reads better than naming it twice.
  const who =
    need.approverKind === "DATASET_STEWARDS" && need.datasetName && what.includes(need.datasetName)
      ? `its steward${need.approverNames.length === 1 ? "" : "s"}`
      : need.approvers;
  return `${what} — ${count}${who}${names}`;
}

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

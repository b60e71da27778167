import type { RouterOutputs } from "@switchyard/api";

export type TNeed = RouterOutputs["workload"]["preview"]["candidates"][number]["approvals"][number];

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

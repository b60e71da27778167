/** `switchyard approvals list|get|approve|reject`: a steward or approver decides from the shell. */
import type { Command } from "commander";
import { unwrap } from "../client.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { field, type TColumn } from "../output.ts";
import { example, getCommand, getWorkload, listCommand, type TCommandContext } from "./context.ts";

const APPROVAL_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("status", "status"),
  field("workload", "workload.name"),
  field("team", "workload.team.name"),
  field("site", "site.name"),
  field("waiting for", "currentStep.approvers"),
  field("requester", "requestedBy.name"),
  field("created", "createdAt"),
];

export function registerApprovals(ctx: TCommandContext): void {
  const { api, emit, action, program } = ctx;
  // --- approvals ---------------------------------------------------------------------------
  const approvals = program.command("approvals").description("Approval requests: list, approve, reject");
  listCommand(
    ctx,
    approvals,
    { path: "/approvals", columns: APPROVAL_COLUMNS },
    [
      { flag: "--view <view>", query: "view", description: "inbox (yours to decide), open, decided or mine" },
      {
        flag: "--status <status>",
        query: "status",
        description: "PENDING, APPROVED, REJECTED, EXPIRED or CANCELLED",
      },
    ],
    "switchyard approvals list --view inbox",
    false,
  );
  getCommand(ctx, approvals, "/approvals/{id}", "switchyard approvals get apr_123");

  const decide = (verdict: "APPROVE" | "REJECT") =>
    action(
      async (id: string | undefined, options: { comment?: string; workload?: string }, command: Command) => {
        const client = api();
        if (!id && !options.workload)
          throw new CliError("Give the approval request's id, or --workload ID", EXIT.USAGE);
        if (id && options.workload)
          throw new CliError("Give either an approval id or --workload, not both", EXIT.USAGE);
        let requestId = id;
        if (!requestId && options.workload) {
          const w = await getWorkload(client, options.workload);
          const pending = ((w.approvals as { id: string; status: string }[] | undefined) ?? []).find(
            (a) => a.status === "PENDING",
          );
          if (!pending)
            throw new CliError(
              `Workload ${options.workload} has no pending approval request (it is ${w.state})`,
              EXIT.CONFLICT,
            );
          requestId = pending.id;
        }
        const result = await unwrap(
          client.POST("/approvals/{id}/decision", {
            params: { path: { id: requestId as string } },
            body: { verdict, ...(options.comment ? { comment: options.comment } : {}) } as never,
          }),
        );
        emit(
          command,
          { id: requestId, ...result },
          () =>
            `${verdict === "APPROVE" ? "Approved" : "Rejected"} ${requestId}: request ${result.status}${result.workloadState ? `, workload now ${result.workloadState}` : ""}`,
        );
        return EXIT.OK;
      },
    );
  example(
    approvals
      .command("approve")
      .description("Approve a request (the current step); the workload is scheduled when it was the last one")
      .argument("[id]", "the approval request's id")
      .option("--workload <id>", "approve the pending request of this workload instead")
      .option("--comment <text>", "a note for the requester and the audit log")
      .action(decide("APPROVE")),
    'switchyard approvals approve apr_123 --comment "Fine by policy"',
    "switchyard approvals approve --workload wl_123",
  );
  example(
    approvals
      .command("reject")
      .description("Reject a request; the comment (required) goes to the requester")
      .argument("[id]", "the approval request's id")
      .option("--workload <id>", "reject the pending request of this workload instead")
      .requiredOption("--comment <text>", "why: the requester reads it")
      .action(decide("REJECT")),
    'switchyard approvals reject apr_123 --comment "Use the de-identified extract"',
  );
}

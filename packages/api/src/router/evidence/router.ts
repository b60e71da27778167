import { getWorkloadEvidence } from "../../governance/evidence.ts";
import { outputOf, ZEvidence } from "../../rest/outputs.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZWorkloadId } from "../workload/workload.schema.ts";

export const evidenceRouter = createTRPCRouter({
  workload: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{id}/evidence",
        tags: ["Audit"],
        summary: "Export a workload's evidence record",
        description:
          "Everything an auditor asks about one workload, as of one moment: its spec and team, datasets with their stewards, timeline, every placement decision, allocations, transfers, approvals with each decision, and the audit events with the chain's verification. The console offers the same record as CSV.",
      },
    })
    .input(ZWorkloadId)
    .output(outputOf<typeof getWorkloadEvidence>(ZEvidence))
    .query(({ ctx, input }) => getWorkloadEvidence(ctx.prisma, ctx.user, input.id)),
});

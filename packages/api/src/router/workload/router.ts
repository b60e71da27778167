import { ZPagingInput } from "../../lib/pagination.ts";
import {
  outputOf,
  ZBatchRecommendResult,
  ZDecision,
  ZFinishTransferResult,
  ZPageOf,
  ZPlacementResult,
  ZPlaceResult,
  ZScheduleResult,
  ZSubmitBatchResult,
  ZSubmitResult,
  ZTransfer,
  ZTransitionResult,
  ZWhyNot,
  ZWorkloadDetail,
  ZWorkloadRow,
} from "../../rest/outputs.ts";
import {
  createTRPCRouter,
  estateEditorProcedure,
  protectedProcedure,
  workloadOperatorProcedure,
} from "../../trpc.ts";
import { batchRecommend, getLatestDecision, whyNotSite } from "../../workloads/explain.ts";
import {
  getWorkloadFormOptions,
  getWorkloadOrThrow,
  listWorkloads,
  moveWorkload,
  placeWorkload,
  previewPlacement,
  scheduleWorkload,
  submitWorkload,
} from "../../workloads/service.ts";
import { submitWorkloads } from "../../workloads/submit-batch.ts";
import { finishTransfer, listWorkloadTransfers } from "../../workloads/transfers.ts";
import {
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_SUBMISSIONS,
  ZBatchRecommendInput,
  ZCancelInput,
  ZFinishTransferInput,
  ZListWorkloadsInput,
  ZRecommendInput,
  ZScheduleInput,
  ZSubmitBatchInput,
  ZSubmitWorkloadInput,
  ZTransitionInput,
  ZWhyNotInput,
  ZWorkloadId,
} from "./workload.schema.ts";

const tags = ["Workloads"];

export const workloadRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads",
        tags,
        summary: "List workloads",
        description:
          "Workloads of the teams you can see, newest first; filter by state, kind, team and site.",
      },
    })
    .input(ZListWorkloadsInput)
    .output(outputOf<typeof listWorkloads>(ZPageOf(ZWorkloadRow)))
    .query(({ ctx, input }) => listWorkloads(ctx.prisma, ctx.user, input)),
  formOptions: protectedProcedure.query(({ ctx }) => getWorkloadFormOptions(ctx.prisma, ctx.user)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{id}",
        tags,
        summary: "Get a workload",
        description: "The workload with its timeline, allocations, transfers, approvals and latest decision.",
      },
    })
    .input(ZWorkloadId)
    .output(outputOf<typeof getWorkloadOrThrow>(ZWorkloadDetail))
    .query(({ ctx, input }) => getWorkloadOrThrow(ctx.prisma, ctx.user, input.id)),
  decision: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{id}/decision",
        tags,
        summary: "The latest placement decision",
        description:
          "Ranked candidates with cost breakdowns and per-plugin scores, and every rejected site with its reasons.",
      },
    })
    .input(ZWorkloadId)
    .output(outputOf<typeof getLatestDecision>(ZDecision))
    .query(({ ctx, input }) => getLatestDecision(ctx.prisma, ctx.user, input.id)),
  whyNot: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{id}/why-not/{siteId}",
        tags,
        summary: "Why not site X?",
        description:
          "Why the latest decision did not choose a site: its rank and scores, or the reasons it was rejected. A site the decision did not keep (it stores its top 10 candidates) is explained by running the engine again on the current estate (`source`).",
      },
    })
    .input(ZWhyNotInput)
    .output(outputOf<typeof whyNotSite>(ZWhyNot))
    .query(({ ctx, input }) => whyNotSite(ctx.prisma, ctx.user, input.id, input.siteId)),
  preview: protectedProcedure
    .meta({
      // A dry run: POST for its body, but it writes nothing, so a read token may ask.
      scope: "read",
      openapi: {
        method: "POST",
        path: "/placement/recommend",
        tags: ["Placement"],
        summary: "Recommend a placement (dry run)",
        description:
          'Where this spec would run now and why not elsewhere: the best `candidates` (default 10, or "all"), the rejected sites counted by reason, and `whyNot` (a site id) explained. Nothing is saved.',
      },
    })
    .input(ZRecommendInput)
    .output(outputOf<typeof previewPlacement>(ZPlacementResult))
    .mutation(({ ctx, input }) => previewPlacement(ctx.prisma, input)),
  batchRecommend: protectedProcedure
    .meta({
      // A dry run: POST for its body, but it writes nothing, so a read token may ask.
      scope: "read",
      openapi: {
        method: "POST",
        path: "/placement/batch-recommend",
        tags: ["Placement"],
        summary: "Recommend placements for many specs at once (dry run)",
        description:
          "Places the specs together as the batch scheduler would (priority first, then least total cost, sharing capacity). Nothing is saved.",
      },
    })
    .input(ZBatchRecommendInput)
    .output(outputOf<typeof batchRecommend>(ZBatchRecommendResult))
    .mutation(({ ctx, input }) => batchRecommend(ctx.prisma, input.specs)),
  submit: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/workloads",
        tags,
        summary: "Submit a workload",
        description:
          "Saves the workload and places it at once (PENDING when nothing fits now, AWAITING_APPROVAL when a policy asks). `asDraft` saves without placing.",
        successDescription:
          "The workload's id; `created` is false when the clientKey matched an earlier submission",
      },
    })
    .input(ZSubmitWorkloadInput)
    .output(outputOf<typeof submitWorkload>(ZSubmitResult))
    .mutation(({ ctx, input }) => submitWorkload(ctx, input)),
  submitBatch: protectedProcedure
    .meta({
      maxBodyBytes: MAX_BATCH_BODY_BYTES,
      openapi: {
        method: "POST",
        path: "/workloads/batch",
        tags,
        summary: "Submit many workloads",
        description: `Saves up to ${MAX_BATCH_SUBMISSIONS} workloads in one transaction (one bad spec refuses the batch, naming its field as \`workloads.3.spec.name\`, and nothing is written), then places the PENDING ones together with the batch engine, each with its explained decision; with \`schedule\`, each is also scheduled or sent for approval. A clientKey already used answers with that workload.`,
        successDescription: "One answer per workload, in the order sent, and the batch placement's bound",
      },
    })
    .input(ZSubmitBatchInput)
    .output(outputOf<typeof submitWorkloads>(ZSubmitBatchResult))
    .mutation(({ ctx, input }) => submitWorkloads(ctx, input)),
  place: workloadOperatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/workloads/{id}/place",
        tags,
        summary: "Place a pending workload again",
        description: "Runs the engine on the current estate and stores a new decision.",
      },
    })
    .input(ZWorkloadId)
    .output(outputOf<typeof placeWorkload>(ZPlaceResult))
    .mutation(({ ctx, input }) => placeWorkload(ctx, input.id)),
  schedule: workloadOperatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/workloads/{id}/schedule",
        tags,
        summary: "Schedule a workload",
        description:
          "Accepts the decision's recommendation, or overrides it with a reason. Policies may send it to AWAITING_APPROVAL.",
      },
    })
    .input(ZScheduleInput)
    .output(outputOf<typeof scheduleWorkload>(ZScheduleResult))
    .mutation(({ ctx, input }) => scheduleWorkload(ctx, input)),
  cancel: workloadOperatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/workloads/{id}/cancel",
        tags,
        summary: "Cancel a workload",
        description: "Releases its GPUs, cancels its transfers and its pending approval requests.",
      },
    })
    .input(ZCancelInput)
    .output(outputOf<typeof moveWorkload>(ZTransitionResult))
    .mutation(({ ctx, input }) => moveWorkload(ctx, { id: input.id, to: "CANCELLED", reason: input.reason })),
  transfers: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{id}/transfers",
        tags,
        summary: "List a workload's dataset transfers",
        description:
          "The dataset copies its placement needs, oldest first: status, bytes (a decimal string), cost, source and destination, and any approval the copy waits for. The workload starts once every copy has arrived.",
      },
    })
    .input(ZWorkloadId.extend(ZPagingInput.shape))
    .output(outputOf<typeof listWorkloadTransfers>(ZPageOf(ZTransfer)))
    .query(({ ctx, input }) => listWorkloadTransfers(ctx.prisma, ctx.user, input.id, input)),
  finishTransfer: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/transfers/{id}/finish",
        tags,
        summary: "Report a dataset transfer finished",
        description:
          "For whatever moves the bytes: COMPLETED registers the replica at the destination (later placements see the data there), FAILED leaves the workload waiting. A copy that waits for approval is refused with 409. Admins and platform engineers.",
      },
    })
    .input(ZFinishTransferInput)
    .output(outputOf<typeof finishTransfer>(ZFinishTransferResult))
    .mutation(({ ctx, input }) => finishTransfer(ctx, input)),
  transition: workloadOperatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/workloads/{id}/transition",
        tags,
        summary: "Move a workload through its lifecycle",
        description: "RUNNING, SUCCEEDED, FAILED or CANCELLED; illegal transitions are refused with 409.",
      },
    })
    .input(ZTransitionInput)
    .output(outputOf<typeof moveWorkload>(ZTransitionResult))
    .mutation(({ ctx, input }) => moveWorkload(ctx, input)),
});

import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import {
  assertCanOperate,
  getWorkloadFormOptions,
  getWorkloadOrThrow,
  listWorkloads,
  moveWorkload,
  placeWorkload,
  previewPlacement,
  scheduleWorkload,
  submitWorkload,
} from "../../workloads/service.ts";
import { finishTransfer } from "../../workloads/transfers.ts";
import {
  ZFinishTransferInput,
  ZListWorkloadsInput,
  ZScheduleInput,
  ZSubmitWorkloadInput,
  ZTransitionInput,
  ZWorkloadId,
  ZWorkloadSpec,
} from "./workload.schema.ts";

export const workloadRouter = createTRPCRouter({
  list: protectedProcedure
    .input(ZListWorkloadsInput)
    .query(({ ctx, input }) => listWorkloads(ctx.prisma, ctx.user, input)),
  formOptions: protectedProcedure.query(({ ctx }) => getWorkloadFormOptions(ctx.prisma, ctx.user)),
  byId: protectedProcedure
    .input(ZWorkloadId)
    .query(({ ctx, input }) => getWorkloadOrThrow(ctx.prisma, ctx.user, input.id)),
  preview: protectedProcedure
    .input(ZWorkloadSpec)
    .mutation(({ ctx, input }) => previewPlacement(ctx.prisma, input)),
  submit: protectedProcedure
    .input(ZSubmitWorkloadInput)
    .mutation(({ ctx, input }) => submitWorkload(ctx, input)),
  place: protectedProcedure.input(ZWorkloadId).mutation(async ({ ctx, input }) => {
    await assertCanOperate(ctx.prisma, ctx.user, input.id);
    return placeWorkload(ctx, input.id);
  }),
  schedule: protectedProcedure.input(ZScheduleInput).mutation(async ({ ctx, input }) => {
    await assertCanOperate(ctx.prisma, ctx.user, input.id);
    return scheduleWorkload(ctx, input);
  }),
  finishTransfer: estateEditorProcedure
    .input(ZFinishTransferInput)
    .mutation(({ ctx, input }) => finishTransfer(ctx, input)),
  transition: protectedProcedure
    .input(ZTransitionInput)
    .mutation(({ ctx, input }) => moveWorkload(ctx, input)),
});

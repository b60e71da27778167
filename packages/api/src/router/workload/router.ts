import {
  createTRPCRouter,
  estateEditorProcedure,
  protectedProcedure,
  workloadOperatorProcedure,
} from "../../trpc.ts";
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
  place: workloadOperatorProcedure
    .input(ZWorkloadId)
    .mutation(({ ctx, input }) => placeWorkload(ctx, input.id)),
  schedule: workloadOperatorProcedure
    .input(ZScheduleInput)
    .mutation(({ ctx, input }) => scheduleWorkload(ctx, input)),
  finishTransfer: estateEditorProcedure
    .input(ZFinishTransferInput)
    .mutation(({ ctx, input }) => finishTransfer(ctx, input)),
  transition: workloadOperatorProcedure
    .input(ZTransitionInput)
    .mutation(({ ctx, input }) => moveWorkload(ctx, input)),
});

import { listSavedViews, removeSavedView, saveView } from "../../services/saved-views.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZListSavedViewsInput, ZSavedViewId, ZSaveViewInput } from "./saved-view.schema.ts";

export const savedViewRouter = createTRPCRouter({
  list: protectedProcedure
    .input(ZListSavedViewsInput)
    .query(({ ctx, input }) => listSavedViews(ctx, input.table)),
  save: protectedProcedure.input(ZSaveViewInput).mutation(({ ctx, input }) => saveView(ctx, input)),
  remove: protectedProcedure.input(ZSavedViewId).mutation(({ ctx, input }) => removeSavedView(ctx, input.id)),
});

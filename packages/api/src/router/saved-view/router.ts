import { z } from "zod";
import { outputOf, ZSavedView } from "../../rest/outputs.ts";
import { listSavedViews, removeSavedView, saveView } from "../../services/saved-views.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZListSavedViewsInput, ZSavedViewId, ZSaveViewInput } from "./saved-view.schema.ts";

const tags = ["Saved views"];

/** A person's own named views of the console's tables; nobody else sees or changes them. */
export const savedViewRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/saved-views",
        tags,
        summary: "List your saved views of a table",
        description: "The caller's own saved views of one console table, by name.",
      },
    })
    .input(ZListSavedViewsInput)
    .output(outputOf<typeof listSavedViews>(z.array(ZSavedView)))
    .query(({ ctx, input }) => listSavedViews(ctx, input.table)),
  save: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/saved-views",
        tags,
        summary: "Save a view of a table",
        description:
          "Saves the table's query (sort, dir, q and the table's filters; the page is dropped) under a name. A view of the same table with the same name is replaced. At most 50 views per table.",
      },
    })
    .input(ZSaveViewInput)
    .output(outputOf<typeof saveView>(ZSavedView))
    .mutation(({ ctx, input }) => saveView(ctx, input)),
  remove: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/saved-views/{id}",
        tags,
        summary: "Delete one of your saved views",
        description: "Another person's view answers 404, like a missing one.",
      },
    })
    .input(ZSavedViewId)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => removeSavedView(ctx, input.id)),
});

import { commitCatalogImport, planCatalogImport } from "../../services/catalog-import.ts";
import { createTRPCRouter, estateEditorProcedure } from "../../trpc.ts";
import { ZCatalogImportInput } from "./catalog.schema.ts";

export const catalogRouter = createTRPCRouter({
  preview: estateEditorProcedure
    .input(ZCatalogImportInput)
    .mutation(({ ctx, input }) => planCatalogImport(ctx.prisma, input.csv)),
  import: estateEditorProcedure
    .input(ZCatalogImportInput)
    .mutation(({ ctx, input }) => commitCatalogImport(ctx, input.csv, input.fileName)),
});

// GET /api/export/:table – every row of a console table as CSV, with the table's filters and sort
import { AppError, exportCsv } from "@switchyard/api";
import { getPrisma } from "@switchyard/db";
import { handleApiError } from "~/server/api-error";
import { getSessionUser } from "~/server/auth";
import { observed } from "~/server/observed";

export const dynamic = "force-dynamic";

export const GET = observed(
  "/api/export/[table]",
  async (request: Request, { params }: { params: Promise<{ table: string }> }) => {
    try {
      const user = await getSessionUser();
      if (!user)
        throw new AppError("UNAUTHORIZED", "export without session", { userMessage: "Sign in first." });
      const { table } = await params;
      // exportCsv answers an unknown table (own keys only: "__proto__" is none) with a 404.
      const csv = await exportCsv(await getPrisma(), table, new URL(request.url).searchParams, user);
      const day = new Date().toISOString().slice(0, 10);
      return new Response(csv, {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="switchyard-${table}-${day}.csv"`,
          "cache-control": "no-store",
        },
      });
    } catch (error) {
      return handleApiError(error);
    }
  },
);

// GET /api/workloads/:id/evidence?format=json|csv – one workload's evidence record, as a download
import { AppError, evidenceToCsv } from "@switchyard/api";
import { handleApiError } from "~/server/api-error";
import { getSessionUser } from "~/server/auth";
import { observed } from "~/server/observed";
import { createServerCaller } from "~/server/trpc";

export const dynamic = "force-dynamic";

const FORMATS = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
} as const;

/** A file name that survives every OS and the header: the workload name, lowercased, dashed. */
function fileSafe(name: string) {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "workload"
  );
}

/** A path segment decoded once; a stray "%" (no valid escape) is taken as it is, never a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const GET = observed(
  "/api/workloads/[id]/evidence",
  async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
    try {
      const user = await getSessionUser();
      if (!user)
        throw new AppError("UNAUTHORIZED", "evidence without session", { userMessage: "Sign in first." });
      const format = new URL(request.url).searchParams.get("format") ?? "json";
      if (!Object.hasOwn(FORMATS, format)) {
        // A malformed query parameter is a 400 (AppError's INVALID_REQUEST is 422, for bodies).
        const message = `Unknown format "${format}": use format=json or format=csv.`;
        return Response.json(
          { error: { code: "INVALID_REQUEST", message, fields: { format: [message] } } },
          { status: 400 },
        );
      }
      const { id } = await params;
      // Through the procedure, so the export is visible to exactly who may see the workload.
      const evidence = await (await createServerCaller(user)).evidence.workload({ id: decodeSegment(id) });
      const body = format === "csv" ? evidenceToCsv(evidence) : `${JSON.stringify(evidence, null, 2)}\n`;
      const day = evidence.generatedAt.toISOString().slice(0, 10);
      return new Response(body, {
        headers: {
          "content-type": FORMATS[format as keyof typeof FORMATS],
          "content-disposition": `attachment; filename="switchyard-evidence-${fileSafe(evidence.workload.name)}-${day}.${format}"`,
          "cache-control": "no-store",
        },
      });
    } catch (error) {
      return handleApiError(error);
    }
  },
);

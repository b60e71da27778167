// GET /api/workloads/:id/sbatch – the batch script a workload was handed to Slurm with
import { AppError } from "@switchyard/api";
import { handleApiError } from "~/server/api-error";
import { getSessionUser } from "~/server/auth";
import { createServerCaller } from "~/server/trpc";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await getSessionUser();
    if (!user)
      throw new AppError("UNAUTHORIZED", "sbatch without session", { userMessage: "Sign in first." });
    const { id } = await params;
    // Through the procedure, so only who may see the workload gets its script.
    const { fileName, script } = await (await createServerCaller(user)).executor.jobScript({
      workloadId: decodeURIComponent(id),
    });
    return new Response(script, {
      headers: {
        "content-type": "text/x-shellscript; charset=utf-8",
        "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "-")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return handleApiError(error);
  }
}

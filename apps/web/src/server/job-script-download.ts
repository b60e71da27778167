import { AppError } from "@switchyard/api";
import { handleApiError } from "~/server/api-error";
import { getSessionUser } from "~/server/auth";
import { createServerCaller } from "~/server/trpc";

/** The latest hand-over's file (sbatch script or Job manifest) as a download, for who may see the workload. */
export async function downloadJobScript(params: Promise<{ id: string }>) {
  try {
    const user = await getSessionUser();
    if (!user)
      throw new AppError("UNAUTHORIZED", "sbatch without session", { userMessage: "Sign in first." });
    const { id } = await params;
    // Through the procedure, so only who may see the workload gets its script.
    const { fileName, mediaType, script } = await (await createServerCaller(user)).executor.jobScript({
      workloadId: decodeURIComponent(id),
    });
    return new Response(script, {
      headers: {
        "content-type": `${mediaType}; charset=utf-8`,
        "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "-")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return handleApiError(error);
  }
}

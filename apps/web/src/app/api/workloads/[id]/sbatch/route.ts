// GET /api/workloads/:id/sbatch – the batch script a workload was handed to Slurm with (the
// latest hand-over's file: for a Kubernetes site this is its Job manifest, as at /manifest)
import { downloadJobScript } from "~/server/job-script-download";
import { observed } from "~/server/observed";

export const dynamic = "force-dynamic";

export const GET = observed(
  "/api/workloads/[id]/sbatch",
  (_request: Request, { params }: { params: Promise<{ id: string }> }) => downloadJobScript(params),
);

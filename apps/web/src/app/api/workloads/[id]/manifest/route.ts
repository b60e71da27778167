// GET /api/workloads/:id/manifest – the Job manifest (YAML) a workload was applied to Kubernetes with
import { downloadJobScript } from "~/server/job-script-download";
import { observed } from "~/server/observed";

export const dynamic = "force-dynamic";

export const GET = observed(
  "/api/workloads/[id]/manifest",
  (_request: Request, { params }: { params: Promise<{ id: string }> }) => downloadJobScript(params),
);

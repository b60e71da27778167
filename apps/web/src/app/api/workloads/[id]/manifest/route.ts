// GET /api/workloads/:id/manifest – the Job manifest (YAML) a workload was applied to Kubernetes with
import { downloadJobScript } from "~/server/job-script-download";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  return downloadJobScript(params);
}

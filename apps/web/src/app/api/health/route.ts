// GET /api/health – database reachability and migration state; 200 when ok, 503 otherwise
import { checkHealth } from "@switchyard/api";
import { getDb } from "@switchyard/db";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(getDb);
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}

// GET /api/health – database reachability and migration state; 200 when ok, 503 otherwise
import { checkHealth } from "@switchyard/api";
import { getDb } from "@switchyard/db";
import { observed } from "~/server/observed";

export const dynamic = "force-dynamic";

export const GET = observed("/api/health", async () => {
  const health = await checkHealth(getDb);
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});

// GET /api/metrics – Prometheus metrics (text format) for a scraper with SWITCHYARD_METRICS_TOKEN
import { serveMetrics } from "@switchyard/api/metrics";
import { getPrisma } from "@switchyard/db";
import { observed } from "~/server/observed";

export const dynamic = "force-dynamic";

export const GET = observed("/api/metrics", (request: Request) => serveMetrics(request, getPrisma));

// GET /api/reference/scalar.js – Scalar's API reference renderer, served from node_modules
// (no CDN: consoles often run where the internet is not reachable).
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { logger } from "@switchyard/api/observability";
import { observed } from "~/server/observed";

export const dynamic = "force-dynamic";

const BUNDLE = ["node_modules", "@scalar", "api-reference", "dist", "browser", "standalone.js"];

let cached: Promise<string> | null = null;

/** The bundle from the nearest node_modules above the working directory (the workspace root in this monorepo). */
async function loadBundle(): Promise<string> {
  let dir = process.cwd();
  for (let depth = 0; depth < 6; depth++) {
    try {
      return await readFile(join(dir, ...BUNDLE), "utf8");
    } catch {
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error("@scalar/api-reference is not installed");
}

export const GET = observed("/api/reference/scalar.js", async () => {
  cached ??= loadBundle().catch((error) => {
    cached = null;
    throw error;
  });
  try {
    return new Response(await cached, {
      headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600" },
    });
  } catch (error) {
    logger().error({ err: error }, "API reference bundle could not be read");
    return new Response("// The API reference renderer is not installed on this server.", {
      status: 503,
      headers: { "Content-Type": "text/javascript; charset=utf-8" },
    });
  }
});

import { estateCache, listenForEstateChanges } from "@switchyard/api/estate";
import { logger } from "@switchyard/api/observability";
import { getDb } from "@switchyard/db";

/**
 * Keeps this process's in-memory estate listening to the change log's notifications
 * (PostgreSQL only). Without it, or while its connection is down, decisions query the change log.
 * Also reads the estate right away, in the background: the first placement after a start finds
 * it read (or shares the read under way) instead of starting it (issue 16, cold start).
 */
export function startEstateListener() {
  void getDb()
    .then((db) => {
      try {
        listenForEstateChanges(db);
      } catch (error) {
        logger().warn({ err: error }, "estate: not listening for changes; decisions query the change log");
      }
      const started = performance.now();
      void estateCache(db.prisma)
        .current()
        .then(
          (estate) =>
            logger().info(
              { nodes: estate.nodes.length, ms: Math.round(performance.now() - started) },
              "estate: read at start",
            ),
          (error: unknown) =>
            logger().warn({ err: error }, "estate: not read at start; the first placement reads it"),
        );
    })
    .catch((error: unknown) => {
      logger().warn({ err: error }, "estate: not listening for changes; decisions query the change log");
    });
}

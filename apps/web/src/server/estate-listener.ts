import { listenForEstateChanges } from "@switchyard/api/estate";
import { logger } from "@switchyard/api/observability";
import { getDb } from "@switchyard/db";

/**
 * Keeps this process's in-memory estate listening to the change log's notifications
 * (PostgreSQL only). Without it, or while its connection is down, decisions query the change log.
 */
export function startEstateListener() {
  void getDb()
    .then((db) => listenForEstateChanges(db))
    .catch((error: unknown) => {
      logger().warn({ err: error }, "estate: not listening for changes; decisions query the change log");
    });
}

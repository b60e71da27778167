import type { Db, TListener } from "@switchyard/db";
import { estateCache } from "./cache.ts";

/** The channel the change log notifies (migration 20261205100000_estate_change_notify). */
export const ESTATE_CHANNEL = "estate_change";

/**
 * Keeps this process's estate cache for `db` listening to the change log's notifications, on
 * one dedicated connection that reconnects when lost (querying meanwhile). Undefined on PGlite:
 * one process, whose own writes need no announcement.
 */
export function listenForEstateChanges(db: Db, options?: { retryMs?: number }): TListener | undefined {
  const cache = estateCache(db.prisma);
  return db.listen(
    ESTATE_CHANNEL,
    {
      listening: () => cache.listenerUp(),
      notify: () => cache.announce(),
      lost: () => cache.listenerDown(),
    },
    options,
  );
}

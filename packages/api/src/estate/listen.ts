import type { Db, TListener } from "@switchyard/db";
import { ESTATE_CHANNEL, estateCache } from "./cache.ts";

export { ESTATE_CHANNEL };

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

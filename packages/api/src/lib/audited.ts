import {
  appendAuditEvents,
  canonicalJson,
  type Prisma,
  type PrismaClient,
  type TAuditInput,
} from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { noteEstateWrite } from "../estate/cache.ts";
import type { THttpPreconditions } from "./preconditions.ts";
import { pendingTokenUse, type TTokenUse, tokenUseEvent } from "./token-use.ts";

/** Who made a change: a signed-in user, or a background loop (id null, email "system:…"). */
export type TActor = Pick<TSessionUser, "email"> & { id: string | null };

/** What a service that changes data needs to know about the request. */
export type TMutationContext<User extends TActor = TSessionUser> = {
  prisma: PrismaClient;
  user: User;
  requestId: string;
  /** REST only: If-Match to check and the ETag to answer (lib/preconditions.ts). */
  http?: THttpPreconditions;
};

export const systemActor = (loop: string): TActor => ({ id: null, email: `system:${loop}` });

export type TAudit = (event: Omit<TAuditInput, "actorId" | "actorLabel" | "requestId">) => Promise<void>;

/**
 * Runs a change and its audit events in one transaction: either both are written or
 * neither. Every mutation of the estate goes through here.
 *
 * The events are appended together when the change is done, still inside the transaction:
 * one lock of the chain, one read of its end and one insert however many events the change
 * records, and the chain's lock (which every audited write waits for) is held only from then
 * until the commit, not for the rest of the change.
 *
 * After the commit the change is announced to every process's estate (estate/cache.ts), unless
 * `estate: false` says it writes nothing the engine reads (a token's use, say): an announcement
 * sends a NOTIFY and makes every process look at the change log again.
 */
export function auditedTransaction<T>(
  ctx: TMutationContext<TActor>,
  fn: (tx: Prisma.TransactionClient, audit: TAudit) => Promise<T>,
  options: { estate?: boolean } = {},
): Promise<T> {
  let tokenUse: TTokenUse | undefined;
  return ctx.prisma
    .$transaction(
      async (tx) => {
        const events: TAuditInput[] = [];
        const record: TAudit = async (event) => {
          // Kept as it reads now: the change may still alter the objects it described.
          events.push({
            ...event,
            before: frozen(event.before),
            after: frozen(event.after),
            actorId: ctx.user.id,
            actorLabel: ctx.user.email,
            requestId: ctx.requestId,
          });
        };
        const result = await fn(tx, record);
        // A mutation made with a token: its use is recorded with its change (lib/token-use.ts).
        tokenUse = pendingTokenUse(ctx.user.id);
        if (tokenUse) {
          tokenUse.recorded = true;
          await record(tokenUseEvent(tokenUse));
        }
        await appendAuditEvents(tx, events);
        return result;
      },
      { timeout: 60_000, maxWait: 15_000 },
    )
    .then(
      (result) => {
        // This process's estate looks for the change on its next decision, notified or not yet.
        if (options.estate !== false) noteEstateWrite(ctx.prisma);
        return result;
      },
      (error: unknown) => {
        // Rolled back with the change: the use is still to be recorded.
        if (tokenUse) tokenUse.recorded = false;
        throw error;
      },
    );
}

/** A JSON copy of an event's before or after (the form the chain stores and hashes). */
function frozen(value: unknown): unknown {
  return value === undefined || value === null ? value : JSON.parse(canonicalJson(value));
}

import { appendAuditEvent, type Prisma, type PrismaClient, type TAuditInput } from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { noteEstateWrite } from "../estate/cache.ts";
import type { THttpPreconditions } from "./preconditions.ts";

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
 */
export function auditedTransaction<T>(
  ctx: TMutationContext<TActor>,
  fn: (tx: Prisma.TransactionClient, audit: TAudit) => Promise<T>,
): Promise<T> {
  return ctx.prisma
    .$transaction(
      (tx) =>
        fn(tx, (event) =>
          appendAuditEvent(tx, {
            ...event,
            actorId: ctx.user.id,
            actorLabel: ctx.user.email,
            requestId: ctx.requestId,
          }),
        ),
      { timeout: 60_000, maxWait: 15_000 },
    )
    .then((result) => {
      // This process's estate looks for the change on its next decision, notified or not yet.
      noteEstateWrite(ctx.prisma);
      return result;
    });
}

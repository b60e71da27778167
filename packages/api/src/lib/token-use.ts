import { AsyncLocalStorage } from "node:async_hooks";
import type { TAuditInput } from "@switchyard/db";
import type { TTokenGrant } from "../auth/session.ts";
import { processSingleton } from "../observability/process-singleton.ts";

/**
 * A mutation made with an API token is audited as a use of that token (trpc.ts). The use is
 * recorded by the mutation's first audited transaction of its owner, beside the change it made:
 * one commit and one turn at the audit chain's lock, and the record stands or falls with the
 * change. A mutation that committed no such transaction has its use recorded on its own after.
 */
export type TTokenUse = {
  procedure: string;
  grant: TTokenGrant;
  /** Who the token acts as: only their transactions carry the use. */
  userId: string;
  /** Appended to a transaction (which may still fail) or committed. */
  recorded: boolean;
};

const uses = processSingleton("token-use", () => new AsyncLocalStorage<TTokenUse>());

/** Runs a mutation with its token use pending. */
export function withTokenUse<T>(use: TTokenUse, fn: () => T): T {
  return uses.run(use, fn);
}

/** The use the current mutation has not recorded yet, when `actorId` is who its token acts as. */
export function pendingTokenUse(actorId: string | null): TTokenUse | undefined {
  const use = uses.getStore();
  return use && !use.recorded && use.userId === actorId ? use : undefined;
}

/** The audit event of a token's use (its actor and request are the transaction's). */
export function tokenUseEvent(
  use: Pick<TTokenUse, "procedure" | "grant">,
): Omit<TAuditInput, "actorId" | "actorLabel" | "requestId"> {
  const { grant, procedure } = use;
  return {
    action: "apiToken.use",
    objectType: "ApiToken",
    objectId: grant.id,
    after: { procedure, kind: grant.kind, scopes: grant.scopes, teamId: grant.teamId },
  };
}

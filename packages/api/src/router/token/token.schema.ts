import { z } from "zod";
import { ZRole, ZTokenScope } from "../../auth/session.ts";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";
import { ZPagingInput } from "../../lib/pagination.ts";

export const TOKEN_SCOPE_DESCRIPTIONS = {
  read: "Read the estate, workloads, approvals and audit (GET), and ask for dry runs (recommend, batch recommend, service plan)",
  write: "Submit, schedule and cancel workloads; change the estate (as the owner's role allows)",
  approve: "Approve or reject approval requests (as the owner's role and stewardships allow)",
  admin: "Admin-only operations: users, service accounts, webhooks (admins only)",
} as const;

export const ZTokenId = z.strictObject({ id: zId("Token id") });

const ZTokenName = z.string().trim().min(2, "At least 2 characters").max(80, "At most 80 characters");

const ZScopes = z
  .array(ZTokenScope, { error: "Scopes must be a list of read, write, approve, admin" })
  .min(1, "Choose at least one scope")
  .max(4)
  .refine((scopes) => new Set(scopes).size === scopes.length, "Each scope once");

/** Days until the token stops working; null: it never expires (lists flag such tokens). */
const ZExpiresInDays = z
  .number({ error: typeMessage("Days until expiry must be a whole number") })
  .int("Days until expiry must be a whole number")
  .min(1, "At least 1 day")
  .max(366, "At most 366 days")
  .nullable()
  .default(90);

/** A personal token, or (admins) a token of a service account given by `serviceAccountId`. */
export const ZCreateTokenInput = z.strictObject({
  name: ZTokenName,
  scopes: ZScopes,
  teamId: zId("Team id").nullable().default(null),
  expiresInDays: ZExpiresInDays,
  serviceAccountId: zId("Service account id").nullable().default(null),
});
export type TCreateTokenInput = z.infer<typeof ZCreateTokenInput>;

/** An agent token: bound to one site, reports nodes, heartbeats and telemetry there only. */
export const ZCreateAgentTokenInput = z.strictObject({
  name: ZTokenName,
  siteId: zId("Site id", "Choose the site the agent reports for"),
  expiresInDays: ZExpiresInDays,
});

export const ZListTokensInput = ZPagingInput.extend({
  /** mine: my personal tokens; all (admins): every token, service and agent tokens included. */
  owner: z.enum(["mine", "all"]).default("mine"),
  includeRevoked: z.boolean().default(false),
}).strict();

export const ZCreateServiceAccountInput = z.strictObject({
  name: ZTokenName,
  role: ZRole,
  teamIds: z.array(zId("Team id")).max(50).default([]),
});
export type TCreateServiceAccountInput = z.infer<typeof ZCreateServiceAccountInput>;

export const ZSetServiceAccountDisabledInput = z.strictObject({
  id: zId("Service account id"),
  disabled: z.boolean(),
});

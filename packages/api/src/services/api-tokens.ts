import type { Prisma, PrismaClient } from "@switchyard/db";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser, TTokenScope } from "../auth/session.ts";
import { generateTokenSecret } from "../auth/tokens.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { pageArgs, type TPageParams, toPage } from "../lib/pagination.ts";
import { tokenUseEvent } from "../lib/token-use.ts";
import type { TCreateServiceAccountInput, TCreateTokenInput } from "../router/token/token.schema.ts";
import { findTeamsOrThrow } from "./people.ts";

const TOKEN_COLUMNS = {
  id: true,
  name: true,
  kind: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
  team: { select: { id: true, name: true } },
  site: { select: { id: true, name: true } },
  user: { select: { id: true, name: true, email: true, kind: true } },
  createdBy: { select: { id: true, name: true } },
} satisfies Prisma.ApiTokenSelect;

type TTokenRow = Prisma.ApiTokenGetPayload<{ select: typeof TOKEN_COLUMNS }>;
export type TTokenStatus = "ACTIVE" | "EXPIRED" | "REVOKED";

export function toTokenView(row: TTokenRow, now = new Date()) {
  const status: TTokenStatus = row.revokedAt
    ? "REVOKED"
    : row.expiresAt && row.expiresAt <= now
      ? "EXPIRED"
      : "ACTIVE";
  return { ...row, status };
}
export type TTokenView = ReturnType<typeof toTokenView>;

const DAY_MS = 24 * 60 * 60 * 1000;
const expiryOf = (days: number | null) => (days === null ? null : new Date(Date.now() + days * DAY_MS));

/** Tokens are made from a signed-in session: a leaked token must not be able to mint more. */
function assertSession(user: TSessionUser) {
  if (user.token) {
    throw new AppError("FORBIDDEN", `token ${user.token.id} tried to create a token`, {
      userMessage: "API tokens are created from a signed-in session, not with another token.",
    });
  }
}

/** Scopes the owner's role can ever use: admin needs an admin; the rest any role (the role still decides each call). */
function assertScopesFitRole(scopes: TTokenScope[], role: TSessionUser["role"]) {
  if (scopes.includes("admin") && role !== "ADMIN") {
    throw new AppError("INVALID_REQUEST", `admin scope for ${role}`, {
      userMessage: "Only admins' tokens can have the admin scope.",
      field: "scopes",
    });
  }
}

/** Creates a personal token, or (admins) a service account's token. The secret is returned once. */
export async function createApiToken(ctx: TMutationContext, input: TCreateTokenInput) {
  assertSession(ctx.user);
  const owner = input.serviceAccountId
    ? await serviceAccountForAdmin(ctx.prisma, ctx.user, input.serviceAccountId)
    : { id: ctx.user.id, role: ctx.user.role, kind: "HUMAN" as const };
  assertScopesFitRole(input.scopes, owner.role);
  if (input.teamId) await assertTeamFitsOwner(ctx.prisma, owner, input.teamId);

  const secret = generateTokenSecret();
  return auditedTransaction(ctx, async (tx, audit) => {
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        kind: owner.kind === "SERVICE" ? "SERVICE" : "PERSONAL",
        userId: owner.id,
        createdById: ctx.user.id,
        prefix: secret.prefix,
        tokenHash: secret.tokenHash,
        scopes: input.scopes,
        teamId: input.teamId,
        expiresAt: expiryOf(input.expiresInDays),
      },
      select: TOKEN_COLUMNS,
    });
    await audit({
      action: "apiToken.create",
      objectType: "ApiToken",
      objectId: row.id,
      after: auditSnapshot(row),
    });
    return { token: toTokenView(row), secret: secret.token };
  });
}

/** An agent token for one site, owned by the admin or platform engineer who makes it. */
export async function createAgentToken(
  ctx: TMutationContext,
  input: { name: string; siteId: string; expiresInDays: number | null },
) {
  assertSession(ctx.user);
  const site = await ctx.prisma.site.findUnique({ where: { id: input.siteId }, select: { id: true } });
  if (!site) {
    throw new AppError("NOT_FOUND", `site ${input.siteId}`, {
      userMessage: "This site does not exist.",
      field: "siteId",
    });
  }
  const secret = generateTokenSecret();
  return auditedTransaction(ctx, async (tx, audit) => {
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        kind: "AGENT",
        userId: ctx.user.id,
        createdById: ctx.user.id,
        prefix: secret.prefix,
        tokenHash: secret.tokenHash,
        scopes: [],
        siteId: site.id,
        expiresAt: expiryOf(input.expiresInDays),
      },
      select: TOKEN_COLUMNS,
    });
    await audit({
      action: "apiToken.create",
      objectType: "ApiToken",
      objectId: row.id,
      after: auditSnapshot(row),
    });
    return { token: toTokenView(row), secret: secret.token };
  });
}

export async function listApiTokens(
  prisma: PrismaClient,
  user: TSessionUser,
  input: { owner: "mine" | "all"; includeRevoked: boolean } & TPageParams,
) {
  if (input.owner === "all" && user.role !== "ADMIN") {
    throw new AppError("FORBIDDEN", `${user.email} listed all tokens`, {
      userMessage: "Only admins can list everyone's tokens.",
    });
  }
  const where = {
    ...(input.owner === "mine" ? { userId: user.id } : {}),
    ...(input.includeRevoked ? {} : { revokedAt: null }),
  };
  const [rows, total] = await Promise.all([
    prisma.apiToken.findMany({
      where,
      select: TOKEN_COLUMNS,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      ...pageArgs(input),
    }),
    prisma.apiToken.count({ where }),
  ]);
  const now = new Date();
  return toPage(
    rows.map((row) => toTokenView(row, now)),
    total,
    input,
  );
}

/** Revokes a token at once: its owner, or an admin for any token. Revoking twice is a no-op answer. */
export async function revokeApiToken(ctx: TMutationContext, id: string) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await tx.apiToken.findUnique({
      where: { id },
      select: { ...TOKEN_COLUMNS, userId: true },
    });
    const mayRevoke = before && (before.userId === ctx.user.id || ctx.user.role === "ADMIN");
    if (!before || !mayRevoke) {
      throw new AppError("NOT_FOUND", `token ${id}`, { userMessage: "This API token does not exist." });
    }
    if (before.revokedAt) return toTokenView(before);
    const after = await tx.apiToken.update({
      where: { id },
      data: { revokedAt: new Date() },
      select: TOKEN_COLUMNS,
    });
    await audit({
      action: "apiToken.revoke",
      objectType: "ApiToken",
      objectId: id,
      before: auditSnapshot(before),
      after: auditSnapshot(after),
    });
    return toTokenView(after);
  });
}

/**
 * Records that a token changed something, for a mutation whose change did not record it
 * (lib/token-use.ts): one audit event per mutation made with a token.
 */
export async function auditTokenUse(ctx: TMutationContext, procedure: string) {
  const grant = ctx.user.token;
  if (!grant) return;
  await auditedTransaction(
    ctx,
    async (_tx, audit) => {
      await audit(tokenUseEvent({ procedure, grant }));
    },
    // An audit event only: nothing the engine reads changed, so no process needs to look.
    { estate: false },
  );
}

function auditSnapshot(row: TTokenRow) {
  return {
    name: row.name,
    kind: row.kind,
    prefix: row.prefix,
    scopes: row.scopes,
    owner: row.user.email,
    teamId: row.team?.id ?? null,
    siteId: row.site?.id ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

async function assertTeamFitsOwner(
  prisma: PrismaClient,
  owner: { id: string; role: TSessionUser["role"] },
  teamId: string,
) {
  const team = await prisma.team.findUnique({ where: { id: teamId }, select: { id: true } });
  const scope = team ? await teamScope(prisma, { id: owner.id, role: owner.role, email: "", name: "" }) : [];
  if (!team || (scope && !scope.includes(teamId))) {
    throw new AppError("INVALID_REQUEST", `team ${teamId} not visible to ${owner.id}`, {
      userMessage: "Restrict the token to a team its owner belongs to.",
      field: "teamId",
    });
  }
}

// ---------------------------------------------------------------------------
// Service accounts: users of kind SERVICE, created by admins with a role, acting only
// through their tokens (they have no password and cannot sign in).
// ---------------------------------------------------------------------------

const SERVICE_ACCOUNT_DOMAIN = "service.switchyard.invalid";

const SERVICE_ACCOUNT_COLUMNS = {
  id: true,
  name: true,
  email: true,
  role: true,
  disabled: true,
  createdAt: true,
  memberships: { select: { team: { select: { id: true, name: true } } } },
  _count: { select: { apiTokens: { where: { revokedAt: null } } } },
} satisfies Prisma.UserSelect;

function assertAdmin(user: TSessionUser) {
  if (user.role !== "ADMIN") {
    throw new AppError("FORBIDDEN", `${user.email} is not an admin`, {
      userMessage: "Only admins manage service accounts.",
    });
  }
}

async function serviceAccountForAdmin(prisma: PrismaClient, admin: TSessionUser, id: string) {
  assertAdmin(admin);
  const account = await prisma.user.findUnique({
    where: { id },
    select: { id: true, role: true, kind: true },
  });
  if (account?.kind !== "SERVICE") {
    throw new AppError("NOT_FOUND", `service account ${id}`, {
      userMessage: "This service account does not exist.",
      field: "serviceAccountId",
    });
  }
  return account;
}

export async function listServiceAccounts(prisma: PrismaClient) {
  const rows = await prisma.user.findMany({
    where: { kind: "SERVICE" },
    select: SERVICE_ACCOUNT_COLUMNS,
    orderBy: { name: "asc" },
  });
  return rows.map(({ memberships, _count, ...row }) => ({
    ...row,
    teams: memberships.map((m) => m.team),
    activeTokens: _count.apiTokens,
  }));
}

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 50) || "service";

export async function createServiceAccount(ctx: TMutationContext, input: TCreateServiceAccountInput) {
  assertAdmin(ctx.user);
  const teams = await findTeamsOrThrow(ctx.prisma, input.teamIds);
  const email = `${slugOf(input.name)}@${SERVICE_ACCOUNT_DOMAIN}`;
  if (await ctx.prisma.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new AppError("CONFLICT", `service account ${email} exists`, {
      userMessage: "A service account with this name exists already.",
      field: "name",
    });
  }
  return auditedTransaction(ctx, async (tx, audit) => {
    const account = await tx.user.create({
      data: {
        name: input.name,
        email,
        role: input.role,
        kind: "SERVICE",
        passwordHash: null,
        memberships: { create: teams.map((team) => ({ teamId: team.id })) },
      },
      select: { id: true, name: true, email: true, role: true },
    });
    await audit({
      action: "serviceAccount.create",
      objectType: "User",
      objectId: account.id,
      after: { ...account, kind: "SERVICE", teamIds: teams.map((t) => t.id) },
    });
    return account;
  });
}

/** Disabling a service account stops all its tokens at once (they are checked against the row on every request). */
export async function setServiceAccountDisabled(
  ctx: TMutationContext,
  input: { id: string; disabled: boolean },
) {
  await serviceAccountForAdmin(ctx.prisma, ctx.user, input.id);
  return auditedTransaction(ctx, async (tx, audit) => {
    const account = await tx.user.update({
      where: { id: input.id },
      data: { disabled: input.disabled },
      select: { id: true, name: true, email: true, role: true, disabled: true },
    });
    await audit({
      action: input.disabled ? "serviceAccount.disable" : "serviceAccount.enable",
      objectType: "User",
      objectId: account.id,
      after: { disabled: account.disabled },
    });
    return account;
  });
}

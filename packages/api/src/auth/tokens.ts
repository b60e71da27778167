import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiTokenKind, PrismaClient, Role } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TSessionUser, TTokenGrant, TTokenScope } from "./session.ts";

/**
 * API tokens: `sy_` + 32 random bytes in base62, shown once, stored as the sha256 of the
 * whole token (a 256-bit random secret needs no slow hash: nothing to brute-force). A token
 * acts as its owner's CURRENT row (disabled: refused at once; role and teams read fresh on
 * every request) narrowed to the token's scopes and team; trpc.ts enforces the scopes.
 */
export const TOKEN_PREFIX = "sy_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62^43 > 2^256: 43 characters always hold 32 bytes. */
const SECRET_LENGTH = 43;
/** How much of the token lists show: `sy_` and 8 characters. */
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;
/** Last-use time and address are written at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function toBase62(bytes: Uint8Array, length: number): string {
  let value = BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
  let out = "";
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(length, "0");
}

export function generateTokenSecret(): { token: string; prefix: string; tokenHash: string } {
  const token = TOKEN_PREFIX + toBase62(randomBytes(32), SECRET_LENGTH);
  return { token, prefix: token.slice(0, DISPLAY_PREFIX_LENGTH), tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const TOKEN_SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH}}$`);

/** Reads `Authorization: Bearer <token>`; null when the header is absent. */
export function bearerTokenOf(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match?.[1]) {
    throw unauthorized("The Authorization header must be `Bearer <token>`.");
  }
  return match[1];
}

function unauthorized(userMessage: string): AppError {
  return new AppError("UNAUTHORIZED", userMessage, { userMessage });
}

/**
 * The user a request with this token acts as, or UNAUTHORIZED. Records the last use (time
 * and address) at most once a minute per token, with a guarded update so concurrent
 * requests write it once.
 */
export async function resolveApiToken(
  prisma: PrismaClient,
  token: string,
  options: { ip?: string | null; now?: Date } = {},
): Promise<TSessionUser> {
  if (!TOKEN_SHAPE.test(token))
    throw unauthorized("This is not a Switchyard API token (they start with sy_).");
  const tokenHash = hashToken(token);
  // One round trip for the token and its owner (Prisma's nested select sends two): every
  // token request pays for this lookup.
  const [row] = await prisma.$queryRaw<TTokenRow[]>`
    SELECT t."id", t."kind"::text AS "kind", t."tokenHash", t."scopes", t."teamId", t."siteId",
           t."expiresAt", t."revokedAt", t."lastUsedAt", t."lastUsedIp",
           u."id" AS "userId", u."email", u."name", u."role"::text AS "role", u."disabled"
    FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId"
    WHERE t."tokenHash" = ${tokenHash}`;
  // The lookup is by hash; compare again in constant time so no timing tells hashes apart.
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(tokenHash))) {
    throw unauthorized("This API token is not valid.");
  }
  const now = options.now ?? new Date();
  if (row.revokedAt) throw unauthorized("This API token has been revoked.");
  if (row.expiresAt && row.expiresAt <= now) throw unauthorized("This API token has expired.");
  if (row.disabled) throw unauthorized("The account this API token belongs to is disabled.");

  const ip = options.ip?.slice(0, 100) ?? null;
  if (
    !row.lastUsedAt ||
    now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS ||
    row.lastUsedIp !== ip
  ) {
    await prisma.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: now } }] },
      data: { lastUsedAt: now, lastUsedIp: ip },
    });
  }

  const grant: TTokenGrant = {
    id: row.id,
    kind: row.kind,
    scopes: row.scopes.filter(isScope),
    teamId: row.teamId,
    siteId: row.siteId,
  };
  return { id: row.userId, email: row.email, name: row.name, role: row.role, token: grant };
}

type TTokenRow = {
  id: string;
  kind: ApiTokenKind;
  tokenHash: string;
  scopes: string[];
  teamId: string | null;
  siteId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  userId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
};

function isScope(scope: string): scope is TTokenScope {
  return scope === "read" || scope === "write" || scope === "approve" || scope === "admin";
}

/** The scope a procedure needs: read for queries, write for mutations, unless its meta says more. */
export function requiredScope(
  type: "query" | "mutation" | "subscription",
  declared?: TTokenScope,
): TTokenScope {
  return declared ?? (type === "query" ? "read" : "write");
}

/**
 * Refuses a token request whose token lacks the scope, or an agent token on anything but the
 * agent's procedures. Session requests (no token) pass: their role decides, as before.
 */
export function assertTokenMay(
  user: TSessionUser | null,
  procedure: {
    path: string;
    type: "query" | "mutation" | "subscription";
    scope?: TTokenScope;
    agent?: boolean;
  },
) {
  const grant = user?.token;
  if (!grant) return;
  if (grant.kind === "AGENT") {
    if (procedure.agent) return;
    throw new AppError("FORBIDDEN", `agent token ${grant.id} on ${procedure.path}`, {
      userMessage: "An agent token can only register nodes and report heartbeats and telemetry for its site.",
    });
  }
  if (procedure.agent) {
    throw new AppError("FORBIDDEN", `token ${grant.id} is not an agent token`, {
      userMessage: "This needs an agent token bound to the site.",
    });
  }
  const scope = requiredScope(procedure.type, procedure.scope);
  if (!grant.scopes.includes(scope)) {
    throw new AppError("FORBIDDEN", `token ${grant.id} lacks ${scope} for ${procedure.path}`, {
      userMessage: `This API token does not have the "${scope}" scope, which ${procedure.path} needs.`,
    });
  }
}

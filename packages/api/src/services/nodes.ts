import { Prisma, type PrismaClient } from "@switchyard/db";
import { seesTeam, teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { containsPattern, countOrEstimate, sqlAnd } from "../lib/count.ts";
import { keysetCursorAfter, keysetWhere, type TKey } from "../lib/keyset.ts";
import { keysetPageArgs, toKeysetPage } from "../lib/pagination.ts";
import { assertIfMatch, recordEtag } from "../lib/preconditions.ts";
import { NODE_STATUSES, type TListNodesInput } from "../router/node/list-nodes.schema.ts";
import type { TNodeInput } from "../router/node/node.schema.ts";

type TNodeStatus = "READY" | "CORDONED" | "DRAINING" | "DOWN";

export type TNodeRow = {
  id: string;
  hostname: string;
  status: TNodeStatus;
  gpuModel: string;
  gpuCount: number;
  gpuAllocated: number;
  gpuFree: number;
  gpuMemoryGib: number;
  fabric: string;
  interconnect: string;
  lastHeartbeatAt: Date | null;
  site: { id: string; slug: string; name: string; kind: "ON_PREM" | "CLOUD" | "EDGE" };
};

const nodeNotFound = (id: string) =>
  new AppError("NOT_FOUND", `node ${id} not found`, { userMessage: "This node does not exist." });

function nodeWhere(input: TListNodesInput): Prisma.GpuNodeWhereInput {
  return {
    ...(input.siteId ? { siteId: input.siteId } : {}),
    ...(input.kind ? { site: { kind: input.kind } } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.gpuModel ? { gpuModel: input.gpuModel } : {}),
    ...(input.search ? { hostname: { contains: input.search, mode: "insensitive" } } : {}),
  };
}

/** The same filters as SQL, for the planner's estimate of a large list's total. */
function nodeEstimateSql(input: TListNodesInput): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (input.siteId) conditions.push(Prisma.sql`n."siteId" = ${input.siteId}`);
  if (input.kind) conditions.push(Prisma.sql`s."kind" = ${input.kind}::"SiteKind"`);
  if (input.status) conditions.push(Prisma.sql`n."status" = ${input.status}::"NodeStatus"`);
  if (input.gpuModel) conditions.push(Prisma.sql`n."gpuModel" = ${input.gpuModel}`);
  if (input.search) conditions.push(Prisma.sql`n."hostname" ILIKE ${containsPattern(input.search)}`);
  const join = input.kind ? Prisma.sql`JOIN "Site" s ON s."id" = n."siteId"` : Prisma.empty;
  return Prisma.sql`SELECT 1 FROM "GpuNode" n ${join} WHERE ${sqlAnd(conditions)}`;
}

const NODE_SELECT = {
  id: true,
  hostname: true,
  status: true,
  gpuModel: true,
  gpuCount: true,
  gpuAllocated: true,
  gpuMemoryGib: true,
  fabric: true,
  interconnect: true,
  lastHeartbeatAt: true,
  site: { select: { id: true, slug: true, name: true, kind: true } },
} satisfies Prisma.GpuNodeSelect;

type TNodeListRow = Prisma.GpuNodeGetPayload<{ select: typeof NODE_SELECT }>;
type TNodeKey = TKey<TNodeListRow>;

const column =
  (name: keyof TNodeListRow, type: TNodeKey["type"] = "string") =>
  (dir: "asc" | "desc"): TNodeKey => ({
    dir,
    orderBy: { [name]: dir },
    of: (row) => row[name] as string | number,
    where: (condition) => ({ [name]: condition }),
    type,
  });

/** The order of the list: the sort key, then hostname (when it is not the key), then id. */
function nodeKeys(input: TListNodesInput): TNodeKey[] {
  const dir = input.direction;
  const first: TNodeKey =
    input.sort === "site"
      ? {
          dir,
          orderBy: { site: { name: dir } },
          of: (row) => row.site.name,
          where: (condition) => ({ site: { name: condition } }),
        }
      : input.sort === "lastHeartbeatAt"
        ? {
            dir,
            nulls: dir === "asc" ? "first" : "last",
            orderBy: { lastHeartbeatAt: { sort: dir, nulls: dir === "asc" ? "first" : "last" } },
            of: (row) => row.lastHeartbeatAt,
            where: (condition) => ({ lastHeartbeatAt: condition }),
            type: "date",
          }
        : input.sort === "status"
          ? { ...column("status")(dir), enumOrder: NODE_STATUSES }
          : column(
              input.sort,
              input.sort === "gpuCount" || input.sort === "gpuMemoryGib" ? "number" : "string",
            )(dir);
  const id = column("id")("asc");
  return input.sort === "hostname" ? [first, id] : [first, column("hostname")("asc"), id];
}

/**
 * One page of nodes across sites: one select (sites come joined) in the order of the chosen
 * sort, after the cursor (keyset) or at the page number, and a total that is counted exactly up
 * to EXACT_COUNT_UP_TO nodes and estimated by PostgreSQL above (lib/count.ts).
 */
export async function listNodes(prisma: PrismaClient, input: TListNodesInput) {
  const where = nodeWhere(input);
  const keys = nodeKeys(input);
  const order = `${input.sort}:${input.direction}`;
  const after = input.cursor
    ? (keysetWhere(keys, order, input.cursor) as Prisma.GpuNodeWhereInput)
    : undefined;
  const [count, nodes] = await Promise.all([
    countOrEstimate(prisma, (limit) => prisma.gpuNode.count({ where, take: limit }), nodeEstimateSql(input)),
    prisma.gpuNode.findMany({
      where: after ? { AND: [where, after] } : where,
      orderBy: keys.map((key) => key.orderBy) as Prisma.GpuNodeOrderByWithRelationInput[],
      ...keysetPageArgs(input),
      select: NODE_SELECT,
    }),
  ]);
  const page = toKeysetPage(nodes, count, input, (last) => keysetCursorAfter(keys, order, last));
  const rows: TNodeRow[] = page.rows.map((node) => ({ ...node, gpuFree: node.gpuCount - node.gpuAllocated }));
  return { ...page, rows };
}

/** What the node filters and the node form choose from: every site (with status) and the GPU models present. */
export async function listNodeOptions(prisma: PrismaClient) {
  const [sites, models] = await Promise.all([
    prisma.site.findMany({
      select: { id: true, slug: true, name: true, kind: true, status: true },
      orderBy: { name: "asc" },
    }),
    prisma.gpuNode.groupBy({ by: ["gpuModel"], orderBy: { gpuModel: "asc" } }),
  ]);
  return { sites, gpuModels: models.map((m) => m.gpuModel) };
}

/** One node with its recent allocations; other teams' workloads on it are shown as GPUs held, unnamed. */
export async function getNodeOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const node = await prisma.gpuNode.findUnique({
    where: { id },
    include: {
      site: { select: { id: true, slug: true, name: true, kind: true, status: true, country: true } },
    },
  });
  if (!node) throw nodeNotFound(id);
  const scope = await teamScope(prisma, user);
  const allocations = await prisma.allocation.findMany({
    where: { nodeId: id },
    orderBy: [{ status: "asc" }, { createdAt: "desc" }],
    take: 50,
    select: {
      id: true,
      gpus: true,
      status: true,
      createdAt: true,
      releasedAt: true,
      workload: {
        select: {
          id: true,
          name: true,
          state: true,
          kind: true,
          teamId: true,
          team: { select: { name: true } },
        },
      },
    },
  });
  return {
    ...node,
    labels: (node.labels ?? {}) as Record<string, unknown>,
    gpuFree: node.gpuCount - node.gpuAllocated,
    allocations: allocations.map((a) => ({
      id: a.id,
      gpus: a.gpus,
      status: a.status,
      createdAt: a.createdAt,
      releasedAt: a.releasedAt,
      // Another team's workload: its GPUs count, its name and state are not the user's to know.
      workload: seesTeam(scope, a.workload.teamId)
        ? { id: a.workload.id, name: a.workload.name, state: a.workload.state, kind: a.workload.kind }
        : null,
      team: a.workload.team.name,
    })),
  };
}

async function snapshotNode(tx: Prisma.TransactionClient, id: string) {
  const node = await tx.gpuNode.findUnique({ where: { id } });
  if (!node) return null;
  const { createdAt: _c, updatedAt: _u, lastHeartbeatAt: _h, ...rest } = node;
  return rest;
}

export async function createNode(ctx: TMutationContext, input: TNodeInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const site = await tx.site.findUnique({
      where: { id: input.siteId },
      select: { id: true, slug: true, status: true },
    });
    if (!site) {
      throw new AppError("NOT_FOUND", `site ${input.siteId} not found`, {
        userMessage: "This site does not exist.",
        field: "siteId",
      });
    }
    if (site.status === "DECOMMISSIONED") {
      throw new AppError("CONFLICT", `site ${site.slug} is decommissioned`, {
        userMessage: `${site.slug} is decommissioned; nodes cannot be added to it.`,
        field: "siteId",
      });
    }
    const clash = await tx.gpuNode.findUnique({
      where: { siteId_hostname: { siteId: site.id, hostname: input.hostname } },
      select: { id: true },
    });
    if (clash) {
      throw new AppError("CONFLICT", `node ${input.hostname} exists at ${site.slug}`, {
        userMessage: `${site.slug} already has a node named ${input.hostname}.`,
        field: "hostname",
      });
    }
    const node = await tx.gpuNode.create({
      data: { ...input, driverVersion: input.driverVersion || null, labels: { pool: input.gpuModel } },
      select: { id: true, hostname: true },
    });
    await audit({
      action: "node.create",
      objectType: "GpuNode",
      objectId: node.id,
      after: await snapshotNode(tx, node.id),
    });
    return node;
  });
}

// ---------------------------------------------------------------------------
// Cordon, drain, uncordon: one transaction per selection, all or nothing.
// ---------------------------------------------------------------------------

export type TNodeAction = "cordon" | "drain" | "uncordon";

/** Target status of each action and the statuses it may start from; the target itself is a no-op. */
const TRANSITIONS: Record<TNodeAction, { to: TNodeStatus; from: TNodeStatus[] }> = {
  // Cordoning a draining node stops the drain but keeps new work away.
  cordon: { to: "CORDONED", from: ["READY", "DRAINING"] },
  drain: { to: "DRAINING", from: ["READY", "CORDONED"] },
  uncordon: { to: "READY", from: ["CORDONED", "DRAINING"] },
};

type TNodeForAction = {
  id: string;
  hostname: string;
  status: TNodeStatus;
  site: { slug: string; status: string };
};

const DOWN_HINT = "A down node takes no work and becomes ready when its agent heartbeats again";
const DECOMMISSIONED_HINT = "Nodes of a decommissioned site stay cordoned";

/** Why an action may not touch a node (and what to do about it), or null when it may. */
function refusalOf(action: TNodeAction, node: TNodeForAction): { text: string; hint: string } | null {
  if (node.status === "DOWN") return { text: `${node.hostname} is down`, hint: DOWN_HINT };
  if (action === "uncordon" && node.site.status === "DECOMMISSIONED")
    return {
      text: `${node.hostname} is at ${node.site.slug}, which is decommissioned`,
      hint: DECOMMISSIONED_HINT,
    };
  return null;
}

function listNames(names: string[], max = 5) {
  return names.length > max
    ? `${names.slice(0, max).join(", ")} and ${names.length - max} more`
    : names.join(", ");
}

/**
 * Moves the selected nodes to the action's status in one transaction. Nodes already there
 * are left alone; if any node may not move, nothing changes and the error names it. A drain
 * answers with the workloads holding GPUs on the drained nodes: they must move elsewhere.
 */
export async function changeNodeStatus(ctx: TMutationContext, action: TNodeAction, ids: string[]) {
  return auditedTransaction(ctx, (tx, audit) => changeNodeStatusIn(tx, audit, ctx, action, ids));
}

/** changeNodeStatus inside the caller's audited transaction (a planned drain records itself with it). */
export async function changeNodeStatusIn(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  ctx: Pick<TMutationContext, "http">,
  action: TNodeAction,
  ids: string[],
) {
  const { to, from } = TRANSITIONS[action];
  if (ctx.http && ctx.http.ifMatch !== null) {
    if (ids.length !== 1) {
      throw new AppError("INVALID_REQUEST", `If-Match with ${ids.length} node ids`, {
        userMessage: "If-Match applies to one node: send exactly one id in ids.",
        field: "If-Match",
      });
    }
    await assertIfMatch(tx, ctx.http, "GpuNode", ids[0] as string);
  }
  const nodes: TNodeForAction[] = await tx.gpuNode.findMany({
    where: { id: { in: ids } },
    select: { id: true, hostname: true, status: true, site: { select: { slug: true, status: true } } },
    orderBy: { hostname: "asc" },
  });
  if (nodes.length !== ids.length) {
    const missing = ids.filter((id) => !nodes.some((n) => n.id === id));
    throw new AppError("NOT_FOUND", `nodes not found: ${missing.join(", ")}`, {
      userMessage:
        missing.length === 1
          ? "One of the selected nodes no longer exists; nothing was changed."
          : `${missing.length} of the selected nodes no longer exist; nothing was changed.`,
    });
  }
  const refusals = nodes.flatMap((n) => refusalOf(action, n) ?? []);
  if (refusals.length > 0) {
    const texts = refusals.map((r) => r.text);
    const hints = [...new Set(refusals.map((r) => r.hint))].join(". ");
    throw new AppError("CONFLICT", `${action} refused: ${texts.join("; ")}`, {
      userMessage: `Cannot ${action} ${refusals.length === 1 ? "this node" : `${refusals.length} of the selected nodes`}: ${listNames(texts, 3)}. ${hints}. Nothing was changed.`,
    });
  }
  const moving = nodes.filter((n) => n.status !== to);
  if (moving.length > 0) {
    // Guarded: a node whose status changed since we read it is not overwritten.
    const updated = await tx.gpuNode.updateMany({
      where: { id: { in: moving.map((n) => n.id) }, status: { in: from } },
      data: { status: to },
    });
    if (updated.count !== moving.length) {
      throw new AppError("CONFLICT", `${action}: node status changed concurrently`, {
        userMessage: "A selected node changed status at the same moment; nothing was changed. Try again.",
      });
    }
    for (const node of moving) {
      await audit({
        action: `node.${action}`,
        objectType: "GpuNode",
        objectId: node.id,
        before: { hostname: node.hostname, status: node.status },
        after: { hostname: node.hostname, status: to },
      });
    }
  }
  if (ids.length === 1) await recordEtag(tx, ctx.http, "GpuNode", ids[0] as string);
  const mustMove = action === "drain" ? await listWorkloadsOnNodes(tx, ids) : [];
  return {
    status: to,
    changed: moving.map((n) => ({ id: n.id, hostname: n.hostname, from: n.status })),
    unchanged: nodes.filter((n) => n.status === to).map((n) => n.hostname),
    mustMove,
  };
}

/** Workloads with active allocations on the given nodes, each with the nodes it holds there. */
async function listWorkloadsOnNodes(tx: Prisma.TransactionClient, nodeIds: string[]) {
  const allocations = await tx.allocation.findMany({
    where: { nodeId: { in: nodeIds }, status: "ACTIVE" },
    select: {
      gpus: true,
      node: { select: { hostname: true } },
      workload: { select: { id: true, name: true, state: true, team: { select: { name: true } } } },
    },
  });
  const byWorkload = new Map<
    string,
    { id: string; name: string; state: string; team: string; gpus: number; nodes: string[] }
  >();
  for (const a of allocations) {
    const entry = byWorkload.get(a.workload.id) ?? {
      id: a.workload.id,
      name: a.workload.name,
      state: a.workload.state,
      team: a.workload.team.name,
      gpus: 0,
      nodes: [],
    };
    entry.gpus += a.gpus;
    entry.nodes.push(a.node.hostname);
    byWorkload.set(a.workload.id, entry);
  }
  return [...byWorkload.values()]
    .map((w) => ({ ...w, nodes: w.nodes.sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

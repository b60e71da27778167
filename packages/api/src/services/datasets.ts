import type { Prisma, PrismaClient } from "@switchyard/db";
import { mayEditDataset } from "../auth/rules.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { requestCopyApprovalIfNeeded } from "../governance/copy-approval.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { pageArgs, toPage } from "../lib/pagination.ts";
import { residencyViolation } from "../lib/residency.ts";
import type { TReplicaInput } from "../router/dataset/dataset.schema.ts";
import type { TListDatasetsInput } from "../router/dataset/list-datasets.schema.ts";

type TClassification = "PUBLIC" | "INTERNAL" | "CONFIDENTIAL" | "REGULATED";

export type TDatasetRow = {
  id: string;
  slug: string;
  name: string;
  classification: TClassification;
  regulations: string[];
  residencyCountries: string[];
  residencyJurisdictions: string[];
  onPremOnly: boolean;
  sizeBytes: bigint;
  ownerTeam: { id: string; slug: string; name: string };
  replicas: number;
  stewards: number;
};

export const datasetNotFound = (id: string) =>
  new AppError("NOT_FOUND", `dataset ${id} not found`, { userMessage: "This dataset does not exist." });

/** Data only: model artifacts are datasets too, listed under /models. */
function datasetWhere(input: TListDatasetsInput): Prisma.DatasetWhereInput {
  return {
    kind: "DATASET",
    ...(input.classification ? { classification: input.classification } : {}),
    ...(input.ownerTeamId ? { ownerTeamId: input.ownerTeamId } : {}),
    ...(input.siteId ? { replicas: { some: { siteId: input.siteId } } } : {}),
    ...(input.regulation ? { regulations: { has: input.regulation } } : {}),
    ...(input.search
      ? {
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { slug: { contains: input.search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
}

/** One page of datasets with replica and steward counts: a count and one select. */
export async function listDatasets(prisma: PrismaClient, input: TListDatasetsInput) {
  const where = datasetWhere(input);
  const [total, datasets] = await Promise.all([
    prisma.dataset.count({ where }),
    prisma.dataset.findMany({
      where,
      orderBy: [{ [input.sort]: input.direction }, { id: "asc" }],
      ...pageArgs(input),
      select: {
        id: true,
        slug: true,
        name: true,
        classification: true,
        regulations: true,
        residencyCountries: true,
        residencyJurisdictions: true,
        onPremOnly: true,
        sizeBytes: true,
        ownerTeam: { select: { id: true, slug: true, name: true } },
        _count: { select: { replicas: true, stewards: true } },
      },
    }),
  ]);
  const rows: TDatasetRow[] = datasets.map(({ _count, ...d }) => ({
    ...d,
    replicas: _count.replicas,
    stewards: _count.stewards,
  }));
  return toPage(rows, total, input);
}

/** The filters' choices: owner teams and the regulations datasets carry. */
export async function listDatasetOptions(prisma: PrismaClient) {
  const [teams, regulations] = await Promise.all([
    prisma.team.findMany({ select: { id: true, slug: true, name: true }, orderBy: { name: "asc" } }),
    prisma.$queryRaw<{ regulation: string }[]>`
      SELECT DISTINCT unnest("regulations") AS "regulation" FROM "Dataset" ORDER BY 1`,
  ]);
  return { teams, regulations: regulations.map((r) => r.regulation) };
}

/** Whether the user may change the dataset: estate editors any, stewards those they steward. */
export function canEditDataset(user: TSessionUser, stewardIds: string[]) {
  return mayEditDataset(user, stewardIds);
}

export async function getDatasetOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const dataset = await prisma.dataset.findUnique({
    where: { id },
    include: {
      ownerTeam: { select: { id: true, slug: true, name: true } },
      stewards: {
        select: { user: { select: { id: true, name: true, email: true } } },
        orderBy: { user: { name: "asc" } },
      },
      replicas: {
        select: {
          id: true,
          sizeBytes: true,
          status: true,
          createdAt: true,
          site: {
            select: {
              id: true,
              slug: true,
              name: true,
              kind: true,
              country: true,
              jurisdiction: true,
              status: true,
            },
          },
        },
        orderBy: { site: { name: "asc" } },
      },
    },
  });
  if (!dataset) throw datasetNotFound(id);
  const stewards = dataset.stewards.map((s) => s.user);
  return {
    ...dataset,
    stewards,
    canEdit: canEditDataset(
      user,
      stewards.map((s) => s.id),
    ),
  };
}

/** Sites in service without a copy of the dataset, each with the residency rule it breaks, if any. */
export async function listReplicaCandidates(prisma: PrismaClient, id: string) {
  const dataset = await prisma.dataset.findUnique({
    where: { id },
    select: {
      slug: true,
      residencyCountries: true,
      residencyJurisdictions: true,
      onPremOnly: true,
    },
  });
  if (!dataset) throw datasetNotFound(id);
  const sites = await prisma.site.findMany({
    where: { status: { not: "DECOMMISSIONED" }, replicas: { none: { datasetId: id } } },
    select: { id: true, slug: true, name: true, kind: true, country: true, jurisdiction: true, status: true },
    orderBy: { name: "asc" },
  });
  return sites.map((site) => ({ ...site, violation: residencyViolation(dataset, site) }));
}

/**
 * Loads the dataset for a change, locking its row so concurrent replica changes queue up
 * (two removals must not both see "another replica remains"), and checks the caller may edit it.
 */
export async function lockDatasetForEdit(tx: Prisma.TransactionClient, user: TSessionUser, id: string) {
  await tx.$executeRaw`SELECT 1 FROM "Dataset" WHERE "id" = ${id} FOR UPDATE`;
  const dataset = await tx.dataset.findUnique({
    where: { id },
    select: {
      id: true,
      slug: true,
      name: true,
      kind: true,
      classification: true,
      sizeBytes: true,
      residencyCountries: true,
      residencyJurisdictions: true,
      onPremOnly: true,
      stewards: { select: { userId: true } },
    },
  });
  if (!dataset) throw datasetNotFound(id);
  if (
    !canEditDataset(
      user,
      dataset.stewards.map((s) => s.userId),
    )
  ) {
    throw new AppError("FORBIDDEN", `${user.email} may not edit dataset ${dataset.slug}`, {
      userMessage:
        user.role === "DATA_STEWARD"
          ? `You are not a steward of ${dataset.slug}; only its stewards, admins and platform engineers change it.`
          : `Only admins, platform engineers and the dataset's stewards change datasets; you are ${user.role}.`,
    });
  }
  return dataset;
}

async function snapshotReplicas(tx: Prisma.TransactionClient, datasetId: string) {
  const replicas = await tx.datasetReplica.findMany({
    where: { datasetId },
    select: { siteId: true, sizeBytes: true, status: true, site: { select: { slug: true } } },
    orderBy: { siteId: "asc" },
  });
  return {
    replicas: replicas.map((r) => ({
      siteId: r.siteId,
      site: r.site.slug,
      sizeBytes: r.sizeBytes,
      status: r.status,
    })),
  };
}

/** What a copy's source and destination need for the border rule and the transfer's cost and time. */
const SITE_FACTS = { id: true, name: true, jurisdiction: true, egressUsdPerGb: true, wanGbps: true } as const;

/**
 * Registers a copy of the dataset at a site; refused with the rule named where residency
 * forbids it. A copy that crosses a border under a cross-border rule waits for approval
 * instead (see governance/copy-approval.ts) and is registered when it is approved.
 */
export async function addReplica(ctx: TMutationContext, input: TReplicaInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const dataset = await lockDatasetForEdit(tx, ctx.user, input.datasetId);
    const site = await tx.site.findUnique({
      where: { id: input.siteId },
      select: { ...SITE_FACTS, slug: true, kind: true, country: true, status: true },
    });
    if (!site) {
      throw new AppError("NOT_FOUND", `site ${input.siteId} not found`, {
        userMessage: "This site does not exist.",
        field: "siteId",
      });
    }
    const existing = await tx.datasetReplica.findUnique({
      where: { datasetId_siteId: { datasetId: dataset.id, siteId: site.id } },
      select: { id: true },
    });
    if (existing) {
      throw new AppError("CONFLICT", `${dataset.slug} already at ${site.slug}`, {
        userMessage: `${site.slug} already holds a replica of ${dataset.slug}.`,
        field: "siteId",
      });
    }
    const violation = residencyViolation(dataset, site);
    if (violation) {
      throw new AppError("INVALID_REQUEST", `replica refused: ${violation}`, {
        userMessage: `A replica cannot go there: ${violation}.`,
        field: "siteId",
      });
    }
    const copy = await requestCopyApprovalIfNeeded(tx, audit, {
      actor: ctx.user,
      dataset: {
        id: dataset.id,
        name: dataset.name,
        classification: dataset.classification,
        sizeBytes: dataset.sizeBytes,
        stewardIds: dataset.stewards.map((s) => s.userId),
      },
      destination: site,
      replicaSites: (
        await tx.datasetReplica.findMany({
          where: { datasetId: dataset.id },
          select: { site: { select: SITE_FACTS } },
        })
      ).map((r) => r.site),
      now: new Date(),
    });
    if (copy)
      return {
        status: "AWAITING_APPROVAL" as const,
        approvalRequestId: copy.requestId,
        datasetId: dataset.id,
        siteId: site.id,
      };
    const before = await snapshotReplicas(tx, dataset.id);
    const replica = await tx.datasetReplica.create({
      data: { datasetId: dataset.id, siteId: site.id, sizeBytes: dataset.sizeBytes },
      select: { id: true },
    });
    await audit({
      action: "dataset.replica.add",
      objectType: "Dataset",
      objectId: dataset.id,
      before,
      after: await snapshotReplicas(tx, dataset.id),
    });
    return { status: "REGISTERED" as const, id: replica.id, datasetId: dataset.id, siteId: site.id };
  });
}

/**
 * Removes the copy at a site. Refused for the last copy (the data would be gone) and while a
 * scheduled or running workload at that site reads the dataset.
 */
export async function removeReplica(ctx: TMutationContext, input: TReplicaInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const dataset = await lockDatasetForEdit(tx, ctx.user, input.datasetId);
    const before = await snapshotReplicas(tx, dataset.id);
    const replica = before.replicas.find((r) => r.siteId === input.siteId);
    if (!replica) {
      throw new AppError("NOT_FOUND", `${dataset.slug} has no replica at ${input.siteId}`, {
        userMessage: `${dataset.slug} has no replica at this site.`,
        field: "siteId",
      });
    }
    if (before.replicas.length === 1) {
      throw new AppError("CONFLICT", `last replica of ${dataset.slug}`, {
        userMessage: `${replica.site} holds the only replica of ${dataset.slug}; the last replica cannot be removed. Add another replica first.`,
        field: "siteId",
      });
    }
    const readers = await tx.workload.findMany({
      where: {
        siteId: input.siteId,
        state: { in: ["SCHEDULED", "RUNNING"] },
        datasets: { some: { datasetId: dataset.id } },
      },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    if (readers.length > 0) {
      throw new AppError("CONFLICT", `${dataset.slug} at ${replica.site} is in use`, {
        userMessage: `${readers.map((w) => w.name).join(", ")} ${readers.length === 1 ? "reads" : "read"} ${dataset.slug} at ${replica.site}; the replica stays until ${readers.length === 1 ? "it finishes or moves" : "they finish or move"}.`,
        field: "siteId",
      });
    }
    await tx.datasetReplica.delete({
      where: { datasetId_siteId: { datasetId: dataset.id, siteId: input.siteId } },
    });
    await audit({
      action: "dataset.replica.remove",
      objectType: "Dataset",
      objectId: dataset.id,
      before,
      after: await snapshotReplicas(tx, dataset.id),
    });
    return { datasetId: dataset.id, siteId: input.siteId };
  });
}

import type { Prisma, PrismaClient } from "@switchyard/db";
import { isDatasetEditor } from "../auth/rules.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { residencyViolation, type TResidencyDataset, type TResidencySite } from "../lib/residency.ts";
import {
  GB,
  type TCreateDatasetInput,
  type TDatasetFields,
  type TUpdateDatasetInput,
} from "../router/dataset/dataset-form.schema.ts";
import { lockDatasetForEdit } from "./datasets.ts";

const RESIDENCY_SITE = {
  id: true,
  slug: true,
  kind: true,
  country: true,
  jurisdiction: true,
  status: true,
} as const;

/** What the dataset form offers: owner teams, people who can steward, and the sites with their place. */
export async function datasetFormOptions(prisma: PrismaClient) {
  const [teams, stewards, sites, regulations] = await Promise.all([
    prisma.team.findMany({ select: { id: true, slug: true, name: true }, orderBy: { name: "asc" } }),
    prisma.user.findMany({
      where: { role: "DATA_STEWARD", disabled: false, kind: "HUMAN" },
      select: { id: true, name: true, email: true },
      orderBy: { name: "asc" },
    }),
    prisma.site.findMany({
      where: { status: { not: "DECOMMISSIONED" } },
      select: { ...RESIDENCY_SITE, name: true },
      orderBy: { name: "asc" },
    }),
    prisma.$queryRaw<{ regulation: string }[]>`
      SELECT DISTINCT unnest("regulations") AS "regulation" FROM "Dataset" ORDER BY 1`,
  ]);
  return { teams, stewards, sites, regulations: regulations.map((r) => r.regulation) };
}

/**
 * The residency rule a copy at the site breaks, with the form field that holds that rule, so
 * the message lands next to the control that caused it. Null when the site may hold a copy.
 */
function brokenResidencyRule(dataset: TResidencyDataset, site: TResidencySite) {
  const violation = residencyViolation(dataset, site);
  if (!violation) return null;
  const only = (rule: Partial<TResidencyDataset>) =>
    residencyViolation(
      { ...dataset, onPremOnly: false, residencyCountries: [], residencyJurisdictions: [], ...rule },
      site,
    );
  const field = only({ onPremOnly: dataset.onPremOnly })
    ? "onPremOnly"
    : only({ residencyCountries: dataset.residencyCountries })
      ? "residencyCountries"
      : only({ residencyJurisdictions: dataset.residencyJurisdictions })
        ? "residencyJurisdictions"
        : "replicaSiteIds";
  return { field, violation };
}

async function assertOwnerTeam(tx: Prisma.TransactionClient, ownerTeamId: string) {
  const team = await tx.team.findUnique({ where: { id: ownerTeamId }, select: { id: true } });
  if (!team)
    throw new AppError("INVALID_REQUEST", `team ${ownerTeamId} not found`, {
      userMessage: "This team does not exist; choose the team that owns the data.",
      field: "ownerTeamId",
    });
}

/** Stewards decide the data's approvals, so each must be an active person with the steward role. */
async function assertStewards(tx: Prisma.TransactionClient, stewardIds: string[]) {
  if (stewardIds.length === 0) return;
  const users = await tx.user.findMany({
    where: { id: { in: stewardIds } },
    select: { id: true, email: true, role: true, disabled: true, kind: true },
  });
  for (const id of stewardIds) {
    const user = users.find((u) => u.id === id);
    const problem = !user
      ? "is not a Switchyard user"
      : user.disabled
        ? "is disabled"
        : user.kind !== "HUMAN" || user.role !== "DATA_STEWARD"
          ? "does not have the data steward role"
          : null;
    if (problem)
      throw new AppError("INVALID_REQUEST", `steward ${id} ${problem}`, {
        userMessage: `${user?.email ?? id} ${problem}; stewards must be data stewards.`,
        field: "stewardIds",
      });
  }
}

function datasetColumns(fields: TDatasetFields) {
  return {
    name: fields.name,
    description: fields.description,
    sizeBytes: BigInt(Math.round(fields.sizeGb * GB)),
    classification: fields.classification,
    regulations: fields.regulations,
    residencyCountries: fields.residencyCountries,
    residencyJurisdictions: fields.residencyJurisdictions,
    onPremOnly: fields.onPremOnly,
    ownerTeamId: fields.ownerTeamId,
  };
}

/** The dataset as the audit trail records it: every field a person edits, stewards and replicas. */
async function snapshotDataset(tx: Prisma.TransactionClient, id: string) {
  const d = await tx.dataset.findUniqueOrThrow({
    where: { id },
    select: {
      slug: true,
      name: true,
      description: true,
      sizeBytes: true,
      classification: true,
      regulations: true,
      residencyCountries: true,
      residencyJurisdictions: true,
      onPremOnly: true,
      ownerTeamId: true,
      stewards: { select: { userId: true }, orderBy: { userId: "asc" } },
      replicas: { select: { siteId: true }, orderBy: { siteId: "asc" } },
    },
  });
  return {
    ...d,
    stewards: d.stewards.map((s) => s.userId),
    replicas: d.replicas.map((r) => r.siteId),
  };
}

function assertMayCreate(user: TSessionUser) {
  // Estate editors and data stewards (who then steward it).
  if (!isDatasetEditor(user.role))
    throw new AppError("FORBIDDEN", `${user.email} may not create datasets`, {
      userMessage: `Only admins, platform engineers and data stewards add datasets; you are ${user.role}.`,
    });
}

/**
 * Registers a dataset and the copies of it that exist today. A steward who adds one stewards
 * it. Every initial copy must obey the dataset's residency; registering existing copies moves
 * no data, so it needs no approval (adding a copy later does, see datasets.addReplica).
 */
export async function createDataset(ctx: TMutationContext, input: TCreateDatasetInput) {
  assertMayCreate(ctx.user);
  const stewardIds =
    ctx.user.role === "DATA_STEWARD" && !input.stewardIds.includes(ctx.user.id)
      ? [...input.stewardIds, ctx.user.id]
      : input.stewardIds;
  return auditedTransaction(ctx, async (tx, audit) => {
    const clash = await tx.dataset.findUnique({ where: { slug: input.slug }, select: { id: true } });
    if (clash)
      throw new AppError("CONFLICT", `dataset slug ${input.slug} taken`, {
        userMessage: `A dataset with the slug "${input.slug}" already exists.`,
        field: "slug",
      });
    await assertOwnerTeam(tx, input.ownerTeamId);
    await assertStewards(tx, stewardIds);
    const sites = await tx.site.findMany({
      where: { id: { in: input.replicaSiteIds } },
      select: RESIDENCY_SITE,
    });
    const rules = input;
    for (const siteId of input.replicaSiteIds) {
      const site = sites.find((s) => s.id === siteId);
      if (!site)
        throw new AppError("INVALID_REQUEST", `site ${siteId} not found`, {
          userMessage: "One of the chosen sites does not exist.",
          field: "replicaSiteIds",
        });
      const broken = brokenResidencyRule(rules, site);
      if (broken)
        throw new AppError("INVALID_REQUEST", `replica refused: ${broken.violation}`, {
          userMessage: `The data cannot be stored at ${site.slug}: ${broken.violation}.`,
          field: "replicaSiteIds",
        });
    }
    const columns = datasetColumns(input);
    const dataset = await tx.dataset.create({
      data: {
        ...columns,
        slug: input.slug,
        stewards: { create: stewardIds.map((userId) => ({ userId })) },
        replicas: {
          create: input.replicaSiteIds.map((siteId) => ({ siteId, sizeBytes: columns.sizeBytes })),
        },
      },
      select: { id: true, slug: true },
    });
    await audit({
      action: "dataset.create",
      objectType: "Dataset",
      objectId: dataset.id,
      after: await snapshotDataset(tx, dataset.id),
    });
    return dataset;
  });
}

/**
 * Changes a dataset's description, size, classification, residency, owner and stewards.
 * A residency rule that an existing copy would break is refused, naming the copy: the data
 * has to leave that site first. A steward cannot remove themselves (they would lose the right
 * to make the change they are making); another steward or an admin does that.
 */
export async function updateDataset(ctx: TMutationContext, input: TUpdateDatasetInput) {
  const fields = input.data;
  return auditedTransaction(ctx, async (tx, audit) => {
    const dataset = await lockDatasetForEdit(tx, ctx.user, input.id);
    // A model's rules come from its training data; only a steward-approved declassification lifts them.
    if (dataset.kind === "MODEL")
      throw new AppError("CONFLICT", `dataset.update on model ${dataset.id}`, {
        userMessage: `${dataset.name} is a model: its rules come from the data it was trained on. Ask its stewards to declassify it on its page instead.`,
        field: "classification",
      });
    if (ctx.user.role === "DATA_STEWARD" && !fields.stewardIds.includes(ctx.user.id))
      throw new AppError("INVALID_REQUEST", `${ctx.user.email} would remove themselves as steward`, {
        userMessage:
          "You cannot remove yourself as a steward: you would lose the right to edit this dataset. Ask another steward or an admin.",
        field: "stewardIds",
      });
    await assertOwnerTeam(tx, fields.ownerTeamId);
    await assertStewards(tx, fields.stewardIds);
    const replicas = await tx.datasetReplica.findMany({
      where: { datasetId: dataset.id },
      select: { site: { select: RESIDENCY_SITE } },
      orderBy: { site: { slug: "asc" } },
    });
    const rules = { slug: dataset.slug, ...fields };
    for (const { site } of replicas) {
      // A copy at a decommissioned site is already there; only the new rules can refuse it.
      const broken = brokenResidencyRule(rules, { ...site, status: "ACTIVE" });
      if (broken)
        throw new AppError("INVALID_REQUEST", `rule breaks replica at ${site.slug}: ${broken.violation}`, {
          userMessage: `A copy of ${dataset.slug} is stored at ${site.slug}, which this rule forbids (${broken.violation}). Remove that replica first.`,
          field: broken.field,
        });
    }
    const before = await snapshotDataset(tx, dataset.id);
    const columns = datasetColumns(fields);
    await tx.dataset.update({ where: { id: dataset.id }, data: columns });
    // A replica is a whole copy: it has the dataset's size.
    await tx.datasetReplica.updateMany({
      where: { datasetId: dataset.id },
      data: { sizeBytes: columns.sizeBytes },
    });
    await tx.datasetSteward.deleteMany({
      where: { datasetId: dataset.id, userId: { notIn: fields.stewardIds } },
    });
    await tx.datasetSteward.createMany({
      data: fields.stewardIds.map((userId) => ({ datasetId: dataset.id, userId })),
      skipDuplicates: true,
    });
    await audit({
      action: "dataset.update",
      objectType: "Dataset",
      objectId: dataset.id,
      before,
      after: await snapshotDataset(tx, dataset.id),
    });
    return { id: dataset.id, slug: dataset.slug };
  });
}

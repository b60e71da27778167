import type { Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TGpuClassesInput } from "../router/fair-share/fair-share.schema.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

/** The model units are suggested against, when the estate prices it; else its most common priced model. */
const PREFERRED_REFERENCE = "H100";

/**
 * GPU classes for fair sharing: units per GPU of a model (H100-equivalents, say). With any row,
 * the fair-share engine counts every model in one pool in these units (tree.classUnits): a team
 * holding 8 H100s at 1 unit and one holding 8 L4s at 0.25 no longer have the same share. With
 * none, shares stay DRF across GPU models.
 */
export async function gpuClassUnits(db: TDb): Promise<Record<string, number> | undefined> {
  const rows = await db.gpuClassUnit.findMany({ select: { gpuModel: true, units: true } });
  if (rows.length === 0) return undefined;
  return Object.fromEntries(rows.map((r) => [r.gpuModel, r.units]));
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The GPU models the estate names (on a node or in a price), with what a form needs to set units. */
async function estateModels(db: TDb) {
  const [nodes, prices] = await Promise.all([
    db.gpuNode.groupBy({ by: ["gpuModel"], _sum: { gpuCount: true }, orderBy: { gpuModel: "asc" } }),
    db.sitePrice.findMany({ select: { gpuModel: true, usdPerGpuHour: true } }),
  ]);
  const gpus = new Map(nodes.map((n) => [n.gpuModel, n._sum.gpuCount ?? 0]));
  const priceLists = new Map<string, number[]>();
  for (const p of prices) {
    if (!gpus.has(p.gpuModel)) gpus.set(p.gpuModel, 0);
    priceLists.set(p.gpuModel, [...(priceLists.get(p.gpuModel) ?? []), Number(p.usdPerGpuHour)]);
  }
  const medians = new Map([...priceLists].map(([model, list]) => [model, median(list)]));
  const priced = [...gpus].filter(([model]) => (medians.get(model) ?? 0) > 0);
  const reference = medians.get(PREFERRED_REFERENCE)
    ? PREFERRED_REFERENCE
    : (priced.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null);
  const referencePrice = reference === null ? null : (medians.get(reference) ?? null);
  const models = [...gpus]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([gpuModel, count]) => {
      const price = medians.get(gpuModel) ?? null;
      return {
        gpuModel,
        gpus: count,
        medianUsdPerGpuHour: price === null ? null : round2(price),
        suggestedUnits:
          price !== null && price > 0 && referencePrice
            ? Math.max(0.01, round2(price / referencePrice))
            : null,
      };
    });
  return { models, reference };
}

/** The units in force, and every model of the estate with a suggestion by median price. */
export async function listGpuClasses(db: TDb) {
  const [classes, { models, reference }] = await Promise.all([
    db.gpuClassUnit.findMany({
      select: { gpuModel: true, units: true, updatedAt: true },
      orderBy: { gpuModel: "asc" },
    }),
    estateModels(db),
  ]);
  return { inEffect: classes.length > 0, classes, models, reference };
}

/**
 * Replaces the units (an empty list turns GPU classes off: shares go back to DRF across
 * models). Every model must be one the estate names, on a node or in a price: a unit for a
 * misspelt model would change nothing and say nothing. One transaction, audited.
 */
export async function setGpuClasses(ctx: TMutationContext, input: TGpuClassesInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    // Two editors saving at once: the second waits and replaces the first's whole set.
    await tx.$executeRaw`LOCK TABLE "GpuClassUnit" IN EXCLUSIVE MODE`;
    const { models } = await estateModels(tx);
    const known = new Set(models.map((m) => m.gpuModel));
    const unknown = input.classes.findIndex((c) => !known.has(c.gpuModel));
    if (unknown >= 0) {
      const model = input.classes[unknown]?.gpuModel;
      throw new AppError("NOT_FOUND", `GPU model ${model} is not in the estate`, {
        userMessage: `No node or price in the estate names the GPU model ${model}.`,
        field: `classes.${unknown}.gpuModel`,
      });
    }
    const before = await tx.gpuClassUnit.findMany({
      select: { gpuModel: true, units: true },
      orderBy: { gpuModel: "asc" },
    });
    await tx.gpuClassUnit.deleteMany({});
    if (input.classes.length > 0) await tx.gpuClassUnit.createMany({ data: input.classes });
    const after = [...input.classes].sort((a, b) => a.gpuModel.localeCompare(b.gpuModel));
    await audit({
      action: "fair-share.gpu-classes.update",
      objectType: "GpuClassUnit",
      objectId: "gpu-classes",
      before: { classes: before },
      after: { classes: after },
    });
    return listGpuClasses(tx);
  });
}

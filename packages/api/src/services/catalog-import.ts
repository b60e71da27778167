import type { PrismaClient } from "@switchyard/db";
import {
  CLOUD_EGRESS_USD_PER_GB,
  CLOUD_REGIONS,
  canonicalGpuModel,
  carbonIntensityOf,
  jurisdictionOf,
  PROVIDER_LABELS,
  parseCloudPriceCsv,
  pricePerGpuHour,
  type TCatalogError,
} from "@switchyard/db/catalog";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";

type TAction = "create" | "update" | "unchanged";

export type TPricePlan = {
  gpuModel: string;
  action: TAction;
  oldUsd: number | null;
  newUsd: number;
  spotUsd: number | null;
  instanceType: string;
};
export type TSitePlan = {
  slug: string;
  name: string;
  provider: string;
  region: string;
  country: string;
  action: TAction;
  siteId: string | null;
  prices: TPricePlan[];
};

export type TImportPlan = {
  rows: number;
  /** Rows of accelerators Switchyard does not place on (Radeon, TPU slices, fractional GPUs). */
  ignoredRows: number;
  /** The first MAX_CATALOG_ERRORS problems, by line; errorCount says how many there are. */
  errors: TCatalogError[];
  errorCount: number;
  sites: TSitePlan[];
  summary: { sitesToCreate: number; pricesToCreate: number; pricesToUpdate: number; pricesUnchanged: number };
};

/** Problems listed per import: enough to fix a file by, small enough to send and show. */
export const MAX_CATALOG_ERRORS = 200;

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * What importing a price catalog would change: cloud sites to create (one per provider and
 * region) and GPU-hour prices to create or update. Reads only; commitCatalogImport applies it.
 */
export async function planCatalogImport(
  prisma: Pick<PrismaClient, "site">,
  csv: string,
): Promise<TImportPlan> {
  const { rows, errors } = parseCloudPriceCsv(csv);
  for (const row of rows) {
    const regions = CLOUD_REGIONS[row.provider];
    if (!regions)
      errors.push({
        line: row.line,
        message: `provider "${row.provider}" is not one of ${Object.keys(CLOUD_REGIONS).join(", ")}`,
      });
    else if (!regions[row.region])
      errors.push({
        line: row.line,
        message: `region "${row.region}" of ${row.provider} is not in the region directory`,
      });
  }
  errors.sort((a, b) => a.line - b.line);
  const prices = pricePerGpuHour(rows);
  const usedRows = new Set(prices.map((p) => `${p.provider}/${p.region}`));
  const priced = new Set(prices.map((p) => `${p.provider}/${p.region}/${p.gpuModel}`));
  const ignoredRows = rows.filter(
    (row) => !priced.has(`${row.provider}/${row.region}/${canonicalGpuModel(row.accelerator_name)}`),
  ).length;

  const existing = await prisma.site.findMany({
    where: {
      kind: "CLOUD",
      OR: [...usedRows].map((key) => ({ provider: key.split("/")[0], region: key.split("/")[1] })),
    },
    select: {
      id: true,
      slug: true,
      provider: true,
      region: true,
      prices: { select: { gpuModel: true, usdPerGpuHour: true } },
    },
  });
  const siteByKey = new Map(existing.map((site) => [`${site.provider}/${site.region}`, site]));

  const plans = new Map<string, TSitePlan>();
  for (const price of prices) {
    const key = `${price.provider}/${price.region}`;
    const info = CLOUD_REGIONS[price.provider]?.[price.region];
    if (!info) continue;
    const site = siteByKey.get(key);
    let plan = plans.get(key);
    if (!plan) {
      plan = {
        slug: site?.slug ?? `${price.provider}-${price.region}`,
        name: `${PROVIDER_LABELS[price.provider] ?? price.provider} ${info.city} (${price.region})`,
        provider: price.provider,
        region: price.region,
        country: info.country,
        action: site ? "unchanged" : "create",
        siteId: site?.id ?? null,
        prices: [],
      };
      plans.set(key, plan);
    }
    const old = site?.prices.find((p) => p.gpuModel === price.gpuModel);
    const oldUsd = old ? Number(old.usdPerGpuHour) : null;
    const newUsd = round4(price.usdPerGpuHour);
    const action: TAction = oldUsd === null ? "create" : oldUsd === newUsd ? "unchanged" : "update";
    plan.prices.push({
      gpuModel: price.gpuModel,
      action,
      oldUsd,
      newUsd,
      spotUsd: price.spotUsdPerGpuHour === null ? null : round4(price.spotUsdPerGpuHour),
      instanceType: price.instanceType,
    });
    if (plan.action === "unchanged" && action !== "unchanged") plan.action = "update";
  }
  const sites = [...plans.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  const allPrices = sites.flatMap((s) => s.prices);
  return {
    rows: rows.length,
    ignoredRows,
    errors: errors.slice(0, MAX_CATALOG_ERRORS),
    errorCount: errors.length,
    sites,
    summary: {
      sitesToCreate: sites.filter((s) => s.action === "create").length,
      pricesToCreate: allPrices.filter((p) => p.action === "create").length,
      pricesToUpdate: allPrices.filter((p) => p.action === "update").length,
      pricesUnchanged: allPrices.filter((p) => p.action === "unchanged").length,
    },
  };
}

/**
 * Applies a catalog import in one transaction. Any bad row refuses the whole file, naming
 * the first bad lines; importing the same file again changes nothing.
 */
export async function commitCatalogImport(
  ctx: TMutationContext,
  csv: string,
  fileName?: string,
): Promise<TImportPlan> {
  return auditedTransaction(ctx, async (tx, audit) => {
    const plan = await planCatalogImport(tx, csv);
    if (plan.errorCount > 0) {
      const badRows = new Set(plan.errors.map((e) => e.line)).size;
      const shown = plan.errors
        .slice(0, 5)
        .map((e) => `line ${e.line}: ${e.message}`)
        .join("; ");
      throw new AppError("INVALID_REQUEST", `catalog import refused: ${plan.errorCount} problems`, {
        userMessage: `Nothing was imported: ${badRows} bad row${badRows === 1 ? "" : "s"} (${shown}${plan.errorCount > 5 ? "; …" : ""}).`,
        field: "csv",
      });
    }
    const before: Record<string, number> = {};
    const after: Record<string, number> = {};
    const source = (p: TPricePlan) => `catalog import${fileName ? ` ${fileName}` : ""}: ${p.instanceType}`;
    for (const site of plan.sites) {
      let siteId = site.siteId;
      if (!siteId) {
        const info = CLOUD_REGIONS[site.provider]?.[site.region];
        if (!info) continue;
        const created = await tx.site.create({
          data: {
            slug: site.slug,
            name: site.name,
            kind: "CLOUD",
            provider: site.provider,
            region: site.region,
            country: info.country,
            jurisdiction: jurisdictionOf(info.country),
            certifications: [],
            wanGbps: site.provider === "lambda" ? 25 : 50,
            egressUsdPerGb: CLOUD_EGRESS_USD_PER_GB[site.provider] ?? 0.09,
            carbonGPerKwh: carbonIntensityOf(info.country),
            latitude: info.latitude,
            longitude: info.longitude,
          },
          select: { id: true },
        });
        siteId = created.id;
        site.siteId = siteId;
        await audit({
          action: "site.create",
          objectType: "Site",
          objectId: siteId,
          after: { slug: site.slug, name: site.name, source: "catalog import" },
        });
      }
      for (const price of site.prices) {
        if (price.action === "unchanged") continue;
        const key = `${site.slug}/${price.gpuModel}`;
        if (price.oldUsd !== null) before[key] = price.oldUsd;
        after[key] = price.newUsd;
        await tx.sitePrice.upsert({
          where: { siteId_gpuModel: { siteId, gpuModel: price.gpuModel } },
          create: {
            siteId,
            gpuModel: price.gpuModel,
            usdPerGpuHour: price.newUsd,
            spotUsdPerGpuHour: price.spotUsd,
            source: source(price),
          },
          update: { usdPerGpuHour: price.newUsd, spotUsdPerGpuHour: price.spotUsd, source: source(price) },
        });
      }
    }
    await audit({
      action: "catalog.import",
      objectType: "PriceCatalog",
      objectId: fileName ?? "upload",
      before: { prices: before },
      after: { prices: after, summary: plan.summary },
    });
    return plan;
  });
}

import type { Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { egressByBucket, gpuHoursByBucket, type TEgressRow, type TGpuHoursRow } from "./spend.ts";

const DAY_MS = 86_400_000;

/** Spend figures of one slice (a day, a month, a site and model, or the whole range). */
export type TSpendFigures = {
  gpuHours: number;
  gpuCostUsd: number;
  unpricedGpuHours: number;
  egressUsd: number;
  totalUsd: number;
};

export type TSpendLine = TSpendFigures & {
  siteId: string;
  siteName: string;
  siteKind: string;
  /** null on egress-only lines (dataset copies bill per site, not per GPU model). */
  gpuModel: string | null;
};

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

const zero = (): TSpendFigures => ({
  gpuHours: 0,
  gpuCostUsd: 0,
  unpricedGpuHours: 0,
  egressUsd: 0,
  totalUsd: 0,
});

function add(into: TSpendFigures, gpu: TGpuHoursRow | null, egress: TEgressRow | null) {
  if (gpu) {
    into.gpuHours = round(into.gpuHours + gpu.gpuHours, 6);
    into.gpuCostUsd = round(into.gpuCostUsd + gpu.gpuCostUsd, 4);
    into.unpricedGpuHours = round(into.unpricedGpuHours + gpu.unpricedGpuHours, 6);
  }
  if (egress) into.egressUsd = round(into.egressUsd + egress.egressUsd, 4);
  into.totalUsd = round(into.gpuCostUsd + into.egressUsd, 4);
}

/** "2026-12-03" for a UTC day. */
export const dayKey = (date: Date | string) => new Date(date).toISOString().slice(0, 10);
const monthKey = (bucket: string) => bucket.slice(0, 7);

/** The UTC midnight of a "YYYY-MM-DD" day. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function startOfMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function startOfNextMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Sums spend rows by a key; keys are created in first-seen order, `seed` lists them up front. */
function groupSpend<K extends string>(
  gpu: readonly TGpuHoursRow[],
  egress: readonly TEgressRow[],
  keyOf: (row: { bucket: string; siteId: string; gpuModel?: string }) => K,
  seed: readonly K[] = [],
): Map<K, TSpendFigures> {
  const out = new Map<K, TSpendFigures>(seed.map((k) => [k, zero()]));
  const slot = (key: K) => {
    const found = out.get(key) ?? zero();
    out.set(key, found);
    return found;
  };
  for (const row of gpu) add(slot(keyOf(row)), row, null);
  for (const row of egress) add(slot(keyOf(row)), null, row);
  return out;
}

/** Every UTC day from `from` to `to` inclusive. */
function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += DAY_MS) days.push(dayKey(new Date(t)));
  return days;
}

/**
 * A team's spend for the UTC days `from`..`to` (inclusive): by day (every day, zeros
 * included), by month, by site and GPU model, and in total.
 */
export async function teamSpend(
  prisma: PrismaClient | Prisma.TransactionClient,
  input: { teamId: string; from: string; to: string },
  now: Date,
) {
  const team = await prisma.team.findUnique({ where: { id: input.teamId }, select: { id: true } });
  if (!team)
    throw new AppError("NOT_FOUND", `team ${input.teamId} not found`, {
      userMessage: "This team does not exist.",
    });
  const from = startOfDay(input.from);
  const to = new Date(startOfDay(input.to).getTime() + DAY_MS);
  const window = { from, to, bucket: "day" as const, now, teamIds: [team.id] };
  const [gpu, egress] = await Promise.all([gpuHoursByBucket(prisma, window), egressByBucket(prisma, window)]);
  const days = daysBetween(from, startOfDay(input.to));
  const byDay = groupSpend(gpu, egress, (r) => r.bucket.slice(0, 10), days);
  const byMonth = groupSpend(gpu, egress, (r) => monthKey(r.bucket), [...new Set(days.map(monthKey))]);
  const byLine = groupSpend(gpu, egress, (r) => `${r.siteId}|${r.gpuModel ?? ""}`);
  const sites = await prisma.site.findMany({
    where: { id: { in: [...new Set([...byLine.keys()].map((k) => k.split("|")[0] as string))] } },
    select: { id: true, name: true, kind: true },
  });
  const siteById = new Map(sites.map((s) => [s.id, s]));
  const lines: TSpendLine[] = [...byLine.entries()]
    .map(([key, figures]) => {
      const [siteId = "", gpuModel = ""] = key.split("|");
      const site = siteById.get(siteId);
      return {
        siteId,
        siteName: site?.name ?? siteId,
        siteKind: site?.kind ?? "",
        gpuModel: gpuModel === "" ? null : gpuModel,
        ...figures,
      };
    })
    .sort((a, b) => b.totalUsd - a.totalUsd || a.siteName.localeCompare(b.siteName));
  const totals = zero();
  for (const row of gpu) add(totals, row, null);
  for (const row of egress) add(totals, null, row);
  return {
    teamId: team.id,
    from: input.from,
    to: input.to,
    days: [...byDay.entries()].map(([day, figures]) => ({ day, ...figures })),
    months: [...byMonth.entries()].map(([month, figures]) => ({ month, ...figures })),
    lines,
    totals,
  };
}

export type TShowbackRow = Omit<TSpendLine, "siteId" | "siteKind"> & { team: string; month: string };

/**
 * Showback for one team and UTC month: one row per site and GPU model (egress on its own row
 * per site, without a model), costliest first.
 */
export async function showbackRows(
  prisma: PrismaClient,
  input: { teamId: string; month: string },
  now: Date,
): Promise<TShowbackRow[]> {
  const first = startOfDay(`${input.month}-01`);
  const last = new Date(startOfNextMonth(first).getTime() - DAY_MS);
  const spend = await teamSpend(prisma, { teamId: input.teamId, from: dayKey(first), to: dayKey(last) }, now);
  const team = await prisma.team.findUniqueOrThrow({ where: { id: spend.teamId }, select: { slug: true } });
  return spend.lines.map(({ siteId: _, siteKind: __, ...line }) => ({
    team: team.slug,
    month: input.month,
    ...line,
  }));
}

import { compareIds } from "./compare";
import {
  memoize,
  type TIndexedDataset,
  type TIndexedSite,
  type TPreparedSnapshot,
} from "./prepared-snapshot";

const BYTES_PER_GB = 1e9;
const SECONDS_PER_HOUR = 3600;

/** A dataset the request reads. */
export type TDataNeed = {
  readonly indexed: TIndexedDataset;
  /** Egress of one copy from the cheapest readable replica; Infinity when none exists. */
  readonly copyUsd: number;
};

export type TTransfer = {
  readonly datasetId: string;
  readonly datasetName: string;
  readonly fromSiteId: string;
  readonly bytes: number;
  readonly egressUsd: number;
  readonly hours: number;
  /** A copy across a jurisdiction border: governance may ask for approval. */
  readonly crossesJurisdiction: boolean;
};

const NO_NEEDS: readonly TDataNeed[] = Object.freeze([]);

/** The datasets a request reads, once each, by id; a single dataset's need is computed once per snapshot. */
export function planDataNeeds(
  prepared: TPreparedSnapshot,
  datasetIds: readonly string[],
): readonly TDataNeed[] {
  if (datasetIds.length === 0) return NO_NEEDS;
  if (datasetIds.length === 1) {
    const id = datasetIds[0] as string;
    return memoize(prepared, `needs:${id}`, () => computeNeeds(prepared, [id]));
  }
  return computeNeeds(prepared, [...new Set(datasetIds)].sort(compareIds));
}

function computeNeeds(prepared: TPreparedSnapshot, ids: readonly string[]): readonly TDataNeed[] {
  const needs: TDataNeed[] = [];
  for (const id of ids) {
    const indexed = prepared.datasets.get(id);
    if (indexed === undefined) continue;
    const source = indexed.source;
    const copyUsd =
      source === undefined
        ? Number.POSITIVE_INFINITY
        : (indexed.dataset.sizeBytes / BYTES_PER_GB) * source.egressUsdPerGb;
    needs.push({ indexed, copyUsd });
  }
  return needs;
}

/**
 * Data movement to run at a site: every dataset without a replica there is copied from its
 * cheapest replica. Copies share the WAN, so their times add up; the link runs at the slower
 * of the two sites' bandwidths.
 */
export function dataCostAt(
  needs: readonly TDataNeed[],
  site: TIndexedSite,
): { egressUsd: number; transferHours: number } {
  let egressUsd = 0;
  let transferHours = 0;
  for (const need of needs) {
    if (need.indexed.replicaSites.has(site.idx)) continue;
    egressUsd += need.copyUsd;
    transferHours += copyHours(need, site);
  }
  return { egressUsd, transferHours };
}

export function transfersTo(
  prepared: TPreparedSnapshot,
  needs: readonly TDataNeed[],
  site: TIndexedSite,
): TTransfer[] {
  const transfers: TTransfer[] = [];
  for (const need of needs) {
    const source = need.indexed.source;
    if (need.indexed.replicaSites.has(site.idx) || source === undefined) continue;
    const dataset = need.indexed.dataset;
    transfers.push({
      datasetId: dataset.id,
      datasetName: dataset.name,
      fromSiteId: prepared.sites[source.siteIdx]?.site.id ?? "",
      bytes: dataset.sizeBytes,
      egressUsd: need.copyUsd,
      hours: copyHours(need, site),
      crossesJurisdiction: source.jurisdiction !== site.site.jurisdiction,
    });
  }
  return transfers;
}

function copyHours(need: TDataNeed, site: TIndexedSite): number {
  const source = need.indexed.source;
  if (source === undefined) return Number.POSITIVE_INFINITY;
  const gbps = Math.min(source.wanGbps, site.site.wanGbps);
  return (need.indexed.dataset.sizeBytes * 8) / (gbps * BYTES_PER_GB) / SECONDS_PER_HOUR;
}

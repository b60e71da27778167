import fc from "fast-check";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import type { TSiteKind, TSnapshotInput } from "../schema/snapshot.schema";

type TSiteInput = TSnapshotInput["sites"][number];
type TNodeInput = TSnapshotInput["nodes"][number];
type TDatasetInput = NonNullable<TSnapshotInput["datasets"]>[number];

const MODELS = ["H100", "A100-80GB", "L4"] as const;
const MEMORY: Record<string, number> = { H100: 80, "A100-80GB": 80, L4: 24 };
const PLACES = [
  ["DE", "EU"],
  ["IE", "EU"],
  ["US", "US"],
  ["NL", "EU"],
] as const;
const TEAMS = ["ml", "search"] as const;
const STATUSES = [...Array<"ACTIVE">(10).fill("ACTIVE"), "MAINTENANCE", "DECOMMISSIONED"] as const;

const site = (id: string): fc.Arbitrary<TSiteInput> =>
  fc
    .record({
      kind: fc.constantFrom("ON_PREM", "CLOUD", "EDGE"),
      place: fc.constantFrom(...PLACES),
      certifications: fc.subarray(["HIPAA", "SOC2", "GDPR"]),
      status: fc.constantFrom(...STATUSES),
      egress: fc.constantFrom(0, 0.02, 0.09),
      wan: fc.constantFrom(1, 10, 100),
      carbon: fc.integer({ min: 20, max: 800 }),
      prices: fc.tuple(
        ...MODELS.map(() => fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined, freq: 6 })),
      ),
      latency: fc.option(fc.integer({ min: 1, max: 150 }), { nil: undefined, freq: 6 }),
    })
    .map((s) => ({
      id,
      name: id,
      kind: s.kind,
      provider: "test",
      region: "r",
      country: s.place[0],
      jurisdiction: s.place[1],
      certifications: s.certifications,
      status: s.status,
      egressUsdPerGb: s.egress,
      wanGbps: s.wan,
      carbonGPerKwh: s.carbon,
      pricesUsdPerGpuHour: Object.fromEntries(
        MODELS.flatMap((model, i) => (s.prices[i] === undefined ? [] : [[model, s.prices[i]]])),
      ) as Record<string, number>,
      latencyMsByRegion: (s.latency === undefined ? {} : { "eu-west": s.latency }) as Record<string, number>,
    }));

const node = (id: string, siteIds: readonly string[]): fc.Arbitrary<TNodeInput> =>
  fc
    .record({
      siteId: fc.constantFrom(...siteIds),
      model: fc.constantFrom(...MODELS),
      total: fc.constantFrom(1, 4, 8),
      freeShare: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      fabric: fc.constantFrom("a", "b"),
      status: fc.constantFrom("READY", "READY", "READY", "READY", "READY", "READY", "CORDONED", "DOWN"),
    })
    .map((n) => ({
      id,
      siteId: n.siteId,
      gpuModel: n.model,
      gpuMemoryGib: MEMORY[n.model] ?? 80,
      gpuTotal: n.total,
      gpuFree: Math.round(n.freeShare * n.total),
      fabric: n.fabric,
      status: n.status,
    }));

const dataset = (id: string, siteIds: readonly string[]): fc.Arbitrary<TDatasetInput> =>
  fc
    .record({
      gigabytes: fc.integer({ min: 1, max: 5000 }),
      classification: fc.constantFrom(
        "PUBLIC",
        "PUBLIC",
        "INTERNAL",
        "INTERNAL",
        "CONFIDENTIAL",
        "REGULATED",
      ),
      regulations: fc.subarray(["HIPAA", "GDPR"], { maxLength: 1 }),
      rule: fc.constantFrom("none", "none", "none", "eu", "us", "onprem"),
      replicas: fc.subarray([...siteIds], { minLength: 1, maxLength: Math.min(2, siteIds.length) }),
    })
    .map((d) => ({
      id,
      name: id,
      sizeBytes: d.gigabytes * 1e9,
      classification: d.classification,
      regulations: d.classification === "REGULATED" ? d.regulations : [],
      residency:
        d.rule === "eu"
          ? { allowedJurisdictions: ["EU"], onPremOnly: false }
          : d.rule === "us"
            ? { allowedCountries: ["US"], onPremOnly: false }
            : { onPremOnly: d.rule === "onprem" },
      replicaSiteIds: d.replicas,
    }));

/** A small random estate: 1–4 sites, up to 20 nodes, up to 3 datasets, some quotas. */
export const arbSnapshot: fc.Arbitrary<TSnapshotInput> = fc
  .record({
    sites: fc.integer({ min: 1, max: 4 }),
    nodes: fc.integer({ min: 0, max: 20 }),
    datasets: fc.integer({ min: 0, max: 3 }),
  })
  .chain(({ sites, nodes, datasets }) => {
    const siteIds = Array.from({ length: sites }, (_, i) => `s${i}`);
    return fc.record({
      sites: fc.tuple(...siteIds.map(site)),
      nodes:
        nodes === 0
          ? fc.constant([])
          : fc.tuple(...Array.from({ length: nodes }, (_, i) => node(`n${i}`, siteIds))),
      datasets:
        datasets === 0
          ? fc.constant([])
          : fc.tuple(...Array.from({ length: datasets }, (_, i) => dataset(`d${i}`, siteIds))),
      quotas: fc.subarray([
        { teamId: "ml", gpuModel: "*", limitGpus: 24, usedGpus: 8 },
        { teamId: "ml", gpuModel: "H100", limitGpus: 8, usedGpus: 0 },
        { teamId: "search", gpuModel: "L4", limitGpus: 0, usedGpus: 0 },
      ]),
    });
  })
  .map((s) => ({
    sites: [...s.sites],
    nodes: [...s.nodes],
    datasets: [...s.datasets],
    quotas: s.quotas,
    allocations: [],
  }));

/** Undefined three times out of four. */
const rarely = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: value, weight: 1 });

/** A request against `datasetIds`. */
export const arbRequest = (id: string, datasetIds: readonly string[]): fc.Arbitrary<TWorkloadRequestInput> =>
  fc
    .record({
      gpu: fc.oneof(
        { arbitrary: fc.record({ count: fc.constantFrom(1, 1, 2, 3, 4, 8) }), weight: 3 },
        {
          arbitrary: fc.record({
            nodes: fc.integer({ min: 1, max: 3 }),
            gpusPerNode: fc.constantFrom(1, 2, 4, 8),
          }),
          weight: 1,
        },
      ),
      models: fc.oneof(
        { arbitrary: fc.constant<string[]>([]), weight: 1 },
        { arbitrary: fc.subarray<string>([...MODELS], { minLength: 1, maxLength: 2 }), weight: 2 },
      ),
      minMemory: rarely(fc.constantFrom(24, 48, 80)),
      hours: fc.integer({ min: 1, max: 50 }),
      datasets: fc.subarray([...datasetIds], { maxLength: Math.min(1, datasetIds.length) }),
      latency: rarely(fc.integer({ min: 5, max: 150 })),
      certifications: fc.constantFrom<string[]>([], [], [], [], [], ["SOC2"], ["HIPAA"]),
      kinds: fc.constantFrom<TSiteKind[]>([], [], [], [], [], ["CLOUD"], ["ON_PREM", "CLOUD"], ["EDGE"]),
      budget: rarely(fc.integer({ min: 50, max: 20000 })),
      priority: fc.integer({ min: 0, max: 2 }),
      team: fc.constantFrom(...TEAMS),
    })
    .map((r) => ({
      id,
      kind: "FINE_TUNING" as const,
      teamId: r.team,
      gpu: r.gpu,
      gpuModels: r.models,
      ...(r.minMemory === undefined ? {} : { minGpuMemoryGib: r.minMemory }),
      estimatedHours: r.hours,
      datasetIds: r.datasets,
      ...(r.latency === undefined ? {} : { latency: { userRegion: "eu-west", maxMs: r.latency } }),
      requiredCertifications: [...r.certifications],
      allowedKinds: [...r.kinds],
      ...(r.budget === undefined ? {} : { budgetUsd: r.budget }),
      priority: r.priority,
    }));

/** An estate and a few requests against it. */
export const arbBatch = (maxRequests: number) =>
  arbSnapshot.chain((snapshot) =>
    fc.record({
      snapshot: fc.constant(snapshot),
      requests: fc
        .integer({ min: 1, max: maxRequests })
        .chain((n) =>
          fc.tuple(
            ...Array.from({ length: n }, (_, i) =>
              arbRequest(
                `w${i}`,
                (snapshot.datasets ?? []).map((d) => d.id),
              ),
            ),
          ),
        )
        .map((requests) => [...requests]),
    }),
  );

/** A permutation of `items` decided by `seed`, to shuffle input order. */
export function permute<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function shuffleSnapshot(snapshot: TSnapshotInput, seed: number): TSnapshotInput {
  return {
    sites: permute(snapshot.sites, seed),
    nodes: permute(snapshot.nodes, seed + 1),
    datasets: permute(snapshot.datasets ?? [], seed + 2),
    quotas: permute(snapshot.quotas ?? [], seed + 3),
    allocations: permute(snapshot.allocations ?? [], seed + 4),
  };
}

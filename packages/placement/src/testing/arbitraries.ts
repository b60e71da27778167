import fc from "fast-check";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import type { TSiteKind, TSnapshotInput } from "../schema/snapshot.schema";

type TSiteInput = TSnapshotInput["sites"][number];
type TNodeInput = TSnapshotInput["nodes"][number];
type TDatasetInput = NonNullable<TSnapshotInput["datasets"]>[number];
type TQuotaInput = NonNullable<TSnapshotInput["quotas"]>[number];

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
      kind: fc.constantFrom("ON_PREM", "ON_PREM", "CLOUD", "CLOUD", "EDGE"),
      place: fc.constantFrom(...PLACES),
      // Regulated data needs HIPAA or GDPR: most sites hold one, so regulated cases are often feasible.
      certifications: fc.oneof(
        { arbitrary: fc.subarray(["HIPAA", "SOC2", "GDPR"]), weight: 1 },
        {
          arbitrary: fc.constantFrom(["HIPAA", "GDPR"], ["HIPAA", "SOC2", "GDPR"], ["GDPR", "SOC2"]),
          weight: 2,
        },
      ),
      status: fc.constantFrom(...STATUSES),
      egress: fc.constantFrom(0, 0.02, 0.02, 0.09, 0.09),
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
      certifications: [...s.certifications],
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
      total: fc.constantFrom(1, 4, 8, 8, 8),
      freeShare: fc.oneof(
        { arbitrary: fc.constant(1), weight: 3 },
        { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 },
      ),
      fabric: fc.constantFrom("a", "a", "b"),
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
        "INTERNAL",
        "CONFIDENTIAL",
        "REGULATED",
        "REGULATED",
        "REGULATED",
      ),
      regulations: fc.subarray(["HIPAA", "GDPR"], { maxLength: 1 }),
      rule: fc.constantFrom("none", "none", "none", "eu", "eu", "us", "onprem"),
      replicas: fc.subarray([...siteIds], { minLength: 1, maxLength: Math.min(3, siteIds.length) }),
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
const arbWideSnapshot: fc.Arbitrary<TSnapshotInput> = fc
  .record({
    sites: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 },
      { arbitrary: fc.integer({ min: 2, max: 4 }), weight: 2 },
    ),
    nodes: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 20 }), weight: 1 },
      { arbitrary: fc.integer({ min: 6, max: 20 }), weight: 3 },
    ),
    datasets: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 },
    ),
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
      // Usually a "*" quota for each team, tight enough to bind in a batch of a few.
      quotas: fc
        .record({
          star: fc.tuple(fc.constantFrom(8, 16, 24, 32, 48), fc.constantFrom(0, 0, 4, 8)),
          starSearch: fc.option(fc.constantFrom(8, 16, 24), { nil: undefined, freq: 3 }),
          other: fc.subarray([
            { teamId: "ml", gpuModel: "H100", limitGpus: 8, usedGpus: 0 },
            { teamId: "search", gpuModel: "L4", limitGpus: 0, usedGpus: 0 },
          ]),
        })
        .chain((q) =>
          fc.constantFrom(
            [...q.other],
            [
              { teamId: "ml", gpuModel: "*", limitGpus: q.star[0] + q.star[1], usedGpus: q.star[1] },
              ...(q.starSearch === undefined
                ? []
                : [{ teamId: "search", gpuModel: "*", limitGpus: q.starSearch, usedGpus: 0 }]),
              ...q.other,
            ],
            [
              { teamId: "ml", gpuModel: "*", limitGpus: q.star[0] + q.star[1], usedGpus: q.star[1] },
              ...(q.starSearch === undefined
                ? []
                : [{ teamId: "search", gpuModel: "*", limitGpus: q.starSearch, usedGpus: 0 }]),
              ...q.other,
            ],
          ),
        ),
    });
  })
  .map((s) => ({
    sites: [...s.sites],
    nodes: [...s.nodes],
    datasets: [...s.datasets],
    quotas: (s.quotas as readonly TQuotaInput[]).map((q) => ({ ...q })),
    allocations: [],
  }));

/** Undefined three times out of four. */
const rarely = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: value, weight: 1 });

/** A request against `datasetIds`. */
export const arbWideRequest = (
  id: string,
  datasetIds: readonly string[],
): fc.Arbitrary<TWorkloadRequestInput> =>
  fc
    .record({
      gpu: fc.oneof(
        { arbitrary: fc.record({ count: fc.constantFrom(1, 1, 2, 3, 4, 8) }), weight: 1 },
        {
          arbitrary: fc.record({
            nodes: fc.integer({ min: 1, max: 3 }),
            gpusPerNode: fc.constantFrom(1, 2, 4, 8),
          }),
          weight: 1,
        },
      ),
      models: fc.oneof(
        { arbitrary: fc.constant<string[]>([]), weight: 2 },
        { arbitrary: fc.subarray<string>([...MODELS], { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
      minMemory: rarely(fc.constantFrom(24, 48, 80)),
      hours: fc.integer({ min: 1, max: 50 }),
      datasets: fc.oneof(
        { arbitrary: fc.subarray([...datasetIds], { maxLength: Math.min(1, datasetIds.length) }), weight: 1 },
        {
          arbitrary: fc.subarray([...datasetIds], {
            minLength: Math.min(1, datasetIds.length),
            maxLength: Math.min(2, datasetIds.length),
          }),
          weight: 2,
        },
      ),
      latency: rarely(fc.integer({ min: 5, max: 150 })),
      certifications: fc.constantFrom<string[]>([], [], [], [], [], [], [], ["SOC2"], ["HIPAA"]),
      kinds: fc.constantFrom<TSiteKind[]>(
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        ["CLOUD"],
        ["ON_PREM", "CLOUD"],
        ["EDGE"],
      ),
      budget: rarely(fc.integer({ min: 50, max: 20000 })),
      teamBudgetLeft: rarely(fc.integer({ min: 0, max: 40000 })),
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
      ...(r.teamBudgetLeft === undefined ? {} : { teamBudgetLeftUsd: r.teamBudgetLeft }),
      priority: r.priority,
    }));

/**
 * A focused estate, where most requests can run and each exercises the rules that random
 * estates seldom reach: three ACTIVE sites (on-prem and cloud in the EU, certified, and
 * an edge site in the US holding a stray replica), 8–16 mostly idle 8-GPU nodes on two
 * fabrics, a REGULATED dataset with EU residency and a regulation, an unrestricted one,
 * egress priced everywhere, and a "*" quota per team tight enough to bind in a batch.
 */
const arbFocusedSnapshot: fc.Arbitrary<TSnapshotInput> = fc
  .record({
    prices: fc.array(fc.tuple(...MODELS.map(() => fc.integer({ min: 1, max: 12 }))), {
      minLength: 3,
      maxLength: 3,
    }),
    egress: fc.array(fc.constantFrom(0.02, 0.05, 0.09), { minLength: 3, maxLength: 3 }),
    latency: fc.array(fc.integer({ min: 1, max: 150 }), { minLength: 3, maxLength: 3 }),
    regulation: fc.constantFrom("HIPAA", "GDPR"),
    edgeCerts: fc.subarray(["HIPAA", "GDPR"]),
    nodes: fc.array(
      fc.record({
        site: fc.constantFrom(0, 0, 1, 1, 2),
        // Mostly the site's own model on fabric "a", so gangs find nodes together.
        model: fc.option(fc.constantFrom(...MODELS), { nil: undefined, freq: 4 }),
        fabric: fc.constantFrom("a", "a", "a", "b"),
        free: fc.constantFrom(8, 8, 8, 8, 4, 0),
        ready: fc.constantFrom(true, true, true, true, true, false),
      }),
      { minLength: 12, maxLength: 16 },
    ),
    // f2 (US, edge) holds a stray copy of the regulated data: never a source.
    regulatedReplicas: fc.constantFrom([2, 0], [2, 1], [0], [1], [0], [1], [0, 1], [2]),
    openReplicas: fc.constantFrom([0], [1], [2], [2], [0, 2]),
    gigabytes: fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 })),
    star: fc.tuple(fc.constantFrom(16, 24, 24, 32), fc.constantFrom(16, 16, 24)),
  })
  .map((f) => {
    const places = [
      {
        id: "f0",
        kind: "ON_PREM",
        country: "DE",
        jurisdiction: "EU",
        certifications: ["HIPAA", "GDPR", "SOC2"],
      },
      {
        id: "f1",
        kind: "CLOUD",
        country: "IE",
        jurisdiction: "EU",
        certifications: ["HIPAA", "GDPR", "SOC2"],
      },
      { id: "f2", kind: "EDGE", country: "US", jurisdiction: "US", certifications: f.edgeCerts },
    ] as const;
    const sites: TSiteInput[] = places.map((p, i) => ({
      id: p.id,
      name: p.id,
      kind: p.kind,
      provider: "test",
      region: "r",
      country: p.country,
      jurisdiction: p.jurisdiction,
      certifications: [...p.certifications],
      status: "ACTIVE",
      egressUsdPerGb: f.egress[i] ?? 0.02,
      wanGbps: 10,
      carbonGPerKwh: 300,
      pricesUsdPerGpuHour: Object.fromEntries(MODELS.map((m, j) => [m, f.prices[i]?.[j] ?? 1])),
      latencyMsByRegion: { "eu-west": f.latency[i] ?? 10 },
    }));
    const nodes: TNodeInput[] = f.nodes.map((n, i) => ({
      id: `fn${i}`,
      siteId: `f${n.site}`,
      gpuModel: n.model ?? (MODELS[n.site] as string),
      gpuMemoryGib: MEMORY[n.model ?? (MODELS[n.site] as string)] ?? 80,
      gpuTotal: 8,
      gpuFree: n.free,
      fabric: n.fabric,
      status: n.ready ? "READY" : "CORDONED",
    }));
    const datasets: TDatasetInput[] = [
      {
        id: "regulated",
        name: "regulated",
        sizeBytes: f.gigabytes[0] * 1e9,
        classification: "REGULATED",
        regulations: [f.regulation],
        residency: { allowedJurisdictions: ["EU"], onPremOnly: false },
        replicaSiteIds: f.regulatedReplicas.map((i) => `f${i}`),
      },
      {
        id: "open",
        name: "open",
        sizeBytes: f.gigabytes[1] * 1e9,
        classification: "INTERNAL",
        regulations: [],
        residency: { onPremOnly: false },
        replicaSiteIds: f.openReplicas.map((i) => `f${i}`),
      },
    ];
    return {
      sites,
      nodes,
      datasets,
      quotas: [
        { teamId: "ml", gpuModel: "*", limitGpus: f.star[0], usedGpus: 0 },
        { teamId: "search", gpuModel: "*", limitGpus: f.star[1], usedGpus: 0 },
      ],
      allocations: [],
    };
  });

/** A request for the focused estate: three in four gangs, five in seven reading the regulated dataset. */
const arbFocusedRequest = (id: string): fc.Arbitrary<TWorkloadRequestInput> =>
  fc
    .record({
      gpu: fc.oneof(
        { arbitrary: fc.record({ count: fc.constantFrom(1, 2, 4, 8) }), weight: 2 },
        {
          arbitrary: fc.record({ nodes: fc.constantFrom(2, 2, 3), gpusPerNode: fc.constantFrom(4, 8) }),
          weight: 6,
        },
      ),
      datasets: fc.constantFrom(
        ["regulated"],
        ["regulated"],
        ["regulated"],
        ["regulated", "open"],
        ["regulated", "open"],
        ["open"],
        [],
      ),
      hours: fc.integer({ min: 1, max: 50 }),
      team: fc.constantFrom(...TEAMS),
      models: fc.constantFrom<string[]>([], [], [], ["H100", "A100-80GB"]),
      priority: fc.integer({ min: 0, max: 1 }),
    })
    .map((r) => ({
      id,
      kind: "TRAINING" as const,
      teamId: r.team,
      gpu: r.gpu,
      gpuModels: r.models,
      estimatedHours: r.hours,
      datasetIds: [...r.datasets],
      requiredCertifications: [],
      allowedKinds: [],
      priority: r.priority,
    }));

/** Random estates (one in five) and focused ones (see arbFocusedSnapshot). */
export const arbSnapshot: fc.Arbitrary<TSnapshotInput> = fc.oneof(
  { arbitrary: arbWideSnapshot, weight: 1 },
  { arbitrary: arbFocusedSnapshot, weight: 4 },
);

/** A request against the estate's datasets: focused requests for focused estates. */
export const arbRequest = (id: string, datasetIds: readonly string[]): fc.Arbitrary<TWorkloadRequestInput> =>
  datasetIds.includes("regulated") && datasetIds.includes("open")
    ? fc.oneof(
        { arbitrary: arbFocusedRequest(id), weight: 6 },
        { arbitrary: arbWideRequest(id, datasetIds), weight: 1 },
      )
    : arbWideRequest(id, datasetIds);

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

/**
 * A contended batch where search matters: 3–5 sites of 4–8 eight-GPU nodes on two
 * fabrics, each site one GPU model at its own price, and 12–30 workloads of one priority
 * (a third of them gangs of 2 × 8) asking for more GPUs than are free.
 */
export const arbContendedBatch = fc
  .record({
    sites: fc.array(
      fc.record({
        price: fc.integer({ min: 1, max: 20 }),
        model: fc.constantFrom("H100", "A100-80GB"),
        nodes: fc.array(
          fc.record({ free: fc.constantFrom(8, 8, 8, 4, 2), fabric: fc.constantFrom("a", "b") }),
          {
            minLength: 4,
            maxLength: 8,
          },
        ),
      }),
      { minLength: 3, maxLength: 5 },
    ),
    requests: fc.array(
      fc.record({
        gpu: fc.oneof(
          { arbitrary: fc.record({ count: fc.constantFrom(1, 2, 4, 8) }), weight: 2 },
          { arbitrary: fc.constant({ nodes: 2, gpusPerNode: 8 }), weight: 1 },
        ),
        hours: fc.integer({ min: 1, max: 100 }),
        models: fc.constantFrom<string[]>([], ["H100"], ["A100-80GB"]),
      }),
      { minLength: 12, maxLength: 30 },
    ),
  })
  .map(({ sites, requests }) => ({
    snapshot: {
      sites: sites.map((s, i) => ({
        id: `c${i}`,
        name: `c${i}`,
        kind: "CLOUD" as const,
        provider: "test",
        region: "r",
        country: "DE",
        jurisdiction: "EU",
        certifications: [],
        status: "ACTIVE" as const,
        egressUsdPerGb: 0.02,
        wanGbps: 10,
        carbonGPerKwh: 300,
        pricesUsdPerGpuHour: { [s.model]: s.price },
        latencyMsByRegion: {},
      })),
      nodes: sites.flatMap((s, i) =>
        s.nodes.map((n, j) => ({
          id: `c${i}-n${j}`,
          siteId: `c${i}`,
          gpuModel: s.model,
          gpuMemoryGib: 80,
          gpuTotal: 8,
          gpuFree: n.free,
          fabric: n.fabric,
          status: "READY" as const,
        })),
      ),
      datasets: [],
      quotas: [],
      allocations: [],
    } satisfies TSnapshotInput,
    requests: requests.map(
      (r, i): TWorkloadRequestInput => ({
        id: `w${String(i).padStart(2, "0")}`,
        kind: "TRAINING",
        teamId: "ml",
        gpu: r.gpu,
        gpuModels: [...r.models],
        estimatedHours: r.hours,
        priority: 0,
      }),
    ),
  }));

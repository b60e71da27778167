import type { z } from "zod";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import type {
  TNodeStatus,
  TSiteKind,
  TSiteStatus,
  ZAllocation,
  ZDataset,
  ZGpuNode,
  ZQuota,
  ZSite,
} from "../schema/snapshot.schema";

type TSiteInput = z.input<typeof ZSite>;
type TNodeInput = z.input<typeof ZGpuNode>;
type TDatasetInput = z.input<typeof ZDataset>;
type TQuotaInput = z.input<typeof ZQuota>;
type TAllocationInput = z.input<typeof ZAllocation>;

export type TSnapshotFixture = {
  sites: TSiteInput[];
  nodes: TNodeInput[];
  datasets: TDatasetInput[];
  quotas: TQuotaInput[];
  allocations: TAllocationInput[];
};

/** A cloud site in Germany pricing H100 at $3/GPU-hour, 5 ms to eu-west; change what the test is about. */
export class SiteBuilder {
  private readonly value: TSiteInput;

  constructor(id: string) {
    this.value = {
      id,
      name: id,
      kind: "CLOUD",
      provider: "aws",
      region: "eu-central-1",
      country: "DE",
      jurisdiction: "EU",
      certifications: [],
      status: "ACTIVE",
      egressUsdPerGb: 0.09,
      wanGbps: 10,
      carbonGPerKwh: 300,
      pricesUsdPerGpuHour: { H100: 3 },
      latencyMsByRegion: { "eu-west": 5 },
    };
  }

  kind(kind: TSiteKind): this {
    this.value.kind = kind;
    return this;
  }
  provider(provider: string): this {
    this.value.provider = provider;
    return this;
  }
  status(status: TSiteStatus): this {
    this.value.status = status;
    return this;
  }
  located(country: string, jurisdiction: string, region = this.value.region): this {
    Object.assign(this.value, { country, jurisdiction, region });
    return this;
  }
  certified(...certifications: string[]): this {
    this.value.certifications = certifications;
    return this;
  }
  price(model: string, usdPerGpuHour: number): this {
    this.value.pricesUsdPerGpuHour = { ...this.value.pricesUsdPerGpuHour, [model]: usdPerGpuHour };
    return this;
  }
  prices(prices: Record<string, number>): this {
    this.value.pricesUsdPerGpuHour = prices;
    return this;
  }
  latency(region: string, ms: number): this {
    this.value.latencyMsByRegion = { ...this.value.latencyMsByRegion, [region]: ms };
    return this;
  }
  latencies(latencyMsByRegion: Record<string, number>): this {
    this.value.latencyMsByRegion = latencyMsByRegion;
    return this;
  }
  egress(usdPerGb: number, wanGbps = this.value.wanGbps): this {
    Object.assign(this.value, { egressUsdPerGb: usdPerGb, wanGbps });
    return this;
  }
  carbon(gPerKwh: number): this {
    this.value.carbonGPerKwh = gPerKwh;
    return this;
  }
  build(): TSiteInput {
    return structuredClone(this.value);
  }
}

/** An idle READY 8×H100 (80 GiB) node on fabric "ib-a". */
export class NodeBuilder {
  private readonly value: TNodeInput;

  constructor(id: string, siteId: string) {
    this.value = {
      id,
      siteId,
      gpuModel: "H100",
      gpuMemoryGib: 80,
      gpuTotal: 8,
      gpuFree: 8,
      fabric: "ib-a",
      status: "READY",
    };
  }

  model(gpuModel: string, gpuMemoryGib: number): this {
    Object.assign(this.value, { gpuModel, gpuMemoryGib });
    return this;
  }
  gpus(total: number, free = total): this {
    Object.assign(this.value, { gpuTotal: total, gpuFree: free });
    return this;
  }
  free(gpuFree: number): this {
    this.value.gpuFree = gpuFree;
    return this;
  }
  fabric(fabric: string): this {
    this.value.fabric = fabric;
    return this;
  }
  status(status: TNodeStatus): this {
    this.value.status = status;
    return this;
  }
  build(): TNodeInput {
    return { ...this.value };
  }
}

/** A 100 GB INTERNAL dataset without residency rules and no replicas: give it some. */
export class DatasetBuilder {
  private readonly value: TDatasetInput;

  constructor(id: string) {
    this.value = {
      id,
      name: id,
      sizeBytes: 100e9,
      classification: "INTERNAL",
      regulations: [],
      residency: { onPremOnly: false },
      replicaSiteIds: [],
    };
  }

  size(gigabytes: number): this {
    this.value.sizeBytes = gigabytes * 1e9;
    return this;
  }
  classified(classification: TDatasetInput["classification"], ...regulations: string[]): this {
    Object.assign(this.value, { classification, regulations });
    return this;
  }
  residency(residency: NonNullable<TDatasetInput["residency"]>): this {
    this.value.residency = residency;
    return this;
  }
  at(...siteIds: string[]): this {
    this.value.replicaSiteIds = siteIds;
    return this;
  }
  build(): TDatasetInput {
    return structuredClone(this.value);
  }
}

/** A 1×H100 fine-tuning job of 10 hours for team "ml"; add what the test is about. */
export class RequestBuilder {
  private readonly value: TWorkloadRequestInput;

  constructor(id: string) {
    this.value = {
      id,
      kind: "FINE_TUNING",
      teamId: "ml",
      gpu: { count: 1 },
      gpuModels: ["H100"],
      estimatedHours: 10,
    };
  }

  kind(kind: TWorkloadRequestInput["kind"]): this {
    this.value.kind = kind;
    return this;
  }
  team(teamId: string): this {
    this.value.teamId = teamId;
    return this;
  }
  gpus(count: number): this {
    this.value.gpu = { count };
    return this;
  }
  gang(nodes: number, gpusPerNode: number): this {
    this.value.gpu = { nodes, gpusPerNode };
    return this;
  }
  models(...gpuModels: string[]): this {
    this.value.gpuModels = gpuModels;
    return this;
  }
  minMemory(gib: number): this {
    this.value.minGpuMemoryGib = gib;
    return this;
  }
  hours(estimatedHours: number): this {
    this.value.estimatedHours = estimatedHours;
    return this;
  }
  datasets(...datasetIds: string[]): this {
    this.value.datasetIds = datasetIds;
    return this;
  }
  latency(userRegion: string, maxMs: number): this {
    this.value.latency = { userRegion, maxMs };
    return this;
  }
  certifications(...required: string[]): this {
    this.value.requiredCertifications = required;
    return this;
  }
  environments(...kinds: TSiteKind[]): this {
    this.value.allowedKinds = kinds;
    return this;
  }
  budget(usd: number): this {
    this.value.budgetUsd = usd;
    return this;
  }
  teamBudgetLeft(usd: number): this {
    this.value.teamBudgetLeftUsd = usd;
    return this;
  }
  priority(priority: number, preemptible = false): this {
    Object.assign(this.value, { priority, preemptible });
    return this;
  }
  policy(policy: NonNullable<TWorkloadRequestInput["policy"]>): this {
    this.value.policy = policy;
    return this;
  }
  build(): TWorkloadRequestInput {
    return structuredClone(this.value);
  }
}

/** Collects sites, nodes, datasets, quotas and allocations into a snapshot input. */
export class SnapshotBuilder {
  private readonly value: TSnapshotFixture = {
    sites: [],
    nodes: [],
    datasets: [],
    quotas: [],
    allocations: [],
  };

  site(site: SiteBuilder | TSiteInput): this {
    this.value.sites.push(site instanceof SiteBuilder ? site.build() : site);
    return this;
  }
  node(node: NodeBuilder | TNodeInput): this {
    this.value.nodes.push(node instanceof NodeBuilder ? node.build() : node);
    return this;
  }
  /** `count` nodes named `${siteId}-n${i}`, each shaped by `shape`. */
  nodes(
    siteId: string,
    count: number,
    shape: (node: NodeBuilder, i: number) => NodeBuilder = (n) => n,
  ): this {
    for (let i = 0; i < count; i++) this.node(shape(new NodeBuilder(`${siteId}-n${i}`, siteId), i));
    return this;
  }
  dataset(dataset: DatasetBuilder | TDatasetInput): this {
    this.value.datasets.push(dataset instanceof DatasetBuilder ? dataset.build() : dataset);
    return this;
  }
  quota(teamId: string, gpuModel: string, limitGpus: number, usedGpus = 0): this {
    this.value.quotas.push({ teamId, gpuModel, limitGpus, usedGpus });
    return this;
  }
  allocation(allocation: TAllocationInput): this {
    this.value.allocations.push(allocation);
    return this;
  }
  build(): TSnapshotFixture {
    return structuredClone(this.value);
  }
}

export const aSite = (id: string) => new SiteBuilder(id);
export const aNode = (id: string, siteId: string) => new NodeBuilder(id, siteId);
export const aDataset = (id: string) => new DatasetBuilder(id);
export const aRequest = (id = "w1") => new RequestBuilder(id);
export const aSnapshot = () => new SnapshotBuilder();

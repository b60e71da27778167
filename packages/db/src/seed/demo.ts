import type { TGpuModel } from "../catalog/gpu-models.ts";

/** Demo seed only: every demo account signs in with this password. */
export const DEMO_PASSWORD = "switchyard";

type TRole = "ADMIN" | "PLATFORM_ENGINEER" | "DATA_STEWARD" | "ML_ENGINEER" | "VIEWER";
type TTeamRole = "LEAD" | "MEMBER";

export const TEAMS: {
  slug: string;
  name: string;
  description: string;
  quotas: { gpuModel: string; guaranteedGpus: number; limitGpus: number }[];
}[] = [
  {
    slug: "foundation-models",
    name: "Foundation Models",
    description: "Pre-trains the company's base language models.",
    quotas: [
      { gpuModel: "H100", guaranteedGpus: 256, limitGpus: 512 },
      { gpuModel: "A100-80GB", guaranteedGpus: 64, limitGpus: 128 },
    ],
  },
  {
    slug: "applied-ml",
    name: "Applied ML",
    description: "Fine-tunes and evaluates models for product teams.",
    quotas: [
      { gpuModel: "H100", guaranteedGpus: 32, limitGpus: 96 },
      { gpuModel: "A100-80GB", guaranteedGpus: 32, limitGpus: 64 },
      { gpuModel: "*", guaranteedGpus: 0, limitGpus: 64 },
    ],
  },
  {
    slug: "inference-platform",
    name: "Inference Platform",
    description: "Runs online and batch inference close to users.",
    quotas: [
      { gpuModel: "L4", guaranteedGpus: 32, limitGpus: 96 },
      { gpuModel: "L40S", guaranteedGpus: 16, limitGpus: 48 },
      { gpuModel: "T4", guaranteedGpus: 8, limitGpus: 32 },
    ],
  },
  {
    slug: "health-ai",
    name: "Health AI",
    description: "Clinical models on HIPAA-regulated data.",
    quotas: [
      { gpuModel: "H100", guaranteedGpus: 32, limitGpus: 64 },
      { gpuModel: "A100-80GB", guaranteedGpus: 16, limitGpus: 32 },
    ],
  },
  {
    slug: "vision-edge",
    name: "Vision at the Edge",
    description: "Computer vision for stores and factories.",
    quotas: [
      { gpuModel: "Jetson-AGX-Orin", guaranteedGpus: 16, limitGpus: 40 },
      { gpuModel: "L4", guaranteedGpus: 8, limitGpus: 24 },
      { gpuModel: "T4", guaranteedGpus: 8, limitGpus: 24 },
    ],
  },
];

/**
 * The fair-share hierarchy: one organisation, two departments. A team's unused guarantee is
 * lent inside its department first (AI Research: Foundation Models and Applied ML).
 */
export const TEAM_GROUPS: {
  id: string;
  slug: string;
  name: string;
  kind: "ORGANISATION" | "DEPARTMENT";
  parentId: string | null;
  teams: { slug: string; weight: number }[];
}[] = [
  {
    id: "org-switchyard",
    slug: "switchyard",
    name: "Switchyard Inc.",
    kind: "ORGANISATION",
    parentId: null,
    teams: [],
  },
  {
    id: "dept-ai",
    slug: "ai-research",
    name: "AI Research",
    kind: "DEPARTMENT",
    parentId: "org-switchyard",
    teams: [
      { slug: "foundation-models", weight: 2 },
      { slug: "applied-ml", weight: 1 },
    ],
  },
  {
    id: "dept-products",
    slug: "products",
    name: "Products",
    kind: "DEPARTMENT",
    parentId: "org-switchyard",
    teams: [
      { slug: "inference-platform", weight: 1 },
      { slug: "health-ai", weight: 1 },
      { slug: "vision-edge", weight: 1 },
    ],
  },
];

export const DEMO_USERS: {
  key: string;
  email: string;
  name: string;
  role: TRole;
  teams: [string, TTeamRole][];
}[] = [
  { key: "admin", email: "admin@switchyard.demo", name: "Ada Admin", role: "ADMIN", teams: [] },
  {
    key: "platform",
    email: "platform@switchyard.demo",
    name: "Pat Platform",
    role: "PLATFORM_ENGINEER",
    teams: [["inference-platform", "LEAD"]],
  },
  {
    key: "steward",
    email: "steward@switchyard.demo",
    name: "Sam Steward",
    role: "DATA_STEWARD",
    teams: [["health-ai", "MEMBER"]],
  },
  {
    key: "engineer",
    email: "engineer@switchyard.demo",
    name: "Eli Engineer",
    role: "ML_ENGINEER",
    teams: [
      ["applied-ml", "LEAD"],
      ["health-ai", "MEMBER"],
    ],
  },
  { key: "viewer", email: "viewer@switchyard.demo", name: "Val Viewer", role: "VIEWER", teams: [] },
  {
    key: "researcher",
    email: "researcher@switchyard.demo",
    name: "Rae Researcher",
    role: "ML_ENGINEER",
    teams: [["foundation-models", "LEAD"]],
  },
  {
    key: "vision",
    email: "vision@switchyard.demo",
    name: "Vic Vision",
    role: "ML_ENGINEER",
    teams: [["vision-edge", "LEAD"]],
  },
];

type TClassification = "PUBLIC" | "INTERNAL" | "CONFIDENTIAL" | "REGULATED";

export const DATASETS: {
  slug: string;
  name: string;
  description: string;
  sizeGib: number;
  classification: TClassification;
  regulations: string[];
  residencyCountries: string[];
  residencyJurisdictions: string[];
  onPremOnly: boolean;
  ownerTeam: string;
  stewards: string[];
  replicas: string[];
}[] = [
  {
    slug: "claims-2025",
    name: "Insurance claims 2025",
    description: "De-identified US claims with diagnosis codes.",
    sizeGib: 3_200,
    classification: "REGULATED",
    regulations: ["HIPAA"],
    residencyCountries: ["US"],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "health-ai",
    stewards: ["steward"],
    replicas: ["dc-ashburn"],
  },
  {
    slug: "patient-imaging-ct",
    name: "Patient CT imaging",
    description: "CT scans with PHI; never leaves our data centers.",
    sizeGib: 48_000,
    classification: "REGULATED",
    regulations: ["HIPAA"],
    residencyCountries: ["US"],
    residencyJurisdictions: [],
    onPremOnly: true,
    ownerTeam: "health-ai",
    stewards: ["steward"],
    replicas: ["dc-ashburn"],
  },
  {
    slug: "eu-support-transcripts",
    name: "EU support transcripts",
    description: "Customer support chats from EU customers.",
    sizeGib: 1_800,
    classification: "REGULATED",
    regulations: ["GDPR"],
    residencyCountries: [],
    residencyJurisdictions: ["EU"],
    onPremOnly: false,
    ownerTeam: "applied-ml",
    stewards: ["steward"],
    replicas: ["dc-frankfurt"],
  },
  {
    slug: "sg-payments-fraud",
    name: "SG payments fraud labels",
    description: "Card transactions labelled for fraud.",
    sizeGib: 900,
    classification: "REGULATED",
    regulations: ["PCI-DSS", "MAS-TRM"],
    residencyCountries: ["SG"],
    residencyJurisdictions: [],
    onPremOnly: true,
    ownerTeam: "applied-ml",
    stewards: ["steward"],
    replicas: ["dc-singapore"],
  },
  {
    slug: "web-crawl-2026",
    name: "Web crawl 2026",
    description: "Filtered public web text for pre-training.",
    sizeGib: 420_000,
    classification: "PUBLIC",
    regulations: [],
    residencyCountries: [],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "foundation-models",
    stewards: [],
    replicas: ["dc-ashburn", "aws-us-east-1", "gcp-europe-west4"],
  },
  {
    slug: "code-corpus-v4",
    name: "Code corpus v4",
    description: "Licensed and internal source code.",
    sizeGib: 36_000,
    classification: "INTERNAL",
    regulations: [],
    residencyCountries: [],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "foundation-models",
    stewards: [],
    replicas: ["dc-ashburn", "dc-frankfurt"],
  },
  {
    slug: "product-catalog-embeddings",
    name: "Product catalog embeddings",
    description: "Embeddings for search and recommendations.",
    sizeGib: 240,
    classification: "INTERNAL",
    regulations: [],
    residencyCountries: [],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "inference-platform",
    stewards: [],
    replicas: ["aws-us-east-1", "aws-eu-west-1", "edge-chicago-retail"],
  },
  {
    slug: "llm-checkpoints-70b",
    name: "70B model checkpoints",
    description: "Weights of the in-house 70B model.",
    sizeGib: 1_400,
    classification: "CONFIDENTIAL",
    regulations: [],
    residencyCountries: [],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "foundation-models",
    stewards: [],
    replicas: ["dc-ashburn"],
  },
  {
    slug: "store-camera-frames",
    name: "Store camera frames",
    description: "Shelf camera frames, faces blurred.",
    sizeGib: 5_600,
    classification: "CONFIDENTIAL",
    regulations: [],
    residencyCountries: ["US", "JP"],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "vision-edge",
    stewards: ["steward"],
    replicas: ["edge-chicago-retail", "edge-tokyo-stores"],
  },
  {
    slug: "factory-defects-eu",
    name: "Factory defect images (EU)",
    description: "Line-camera images from EU plants.",
    sizeGib: 2_100,
    classification: "CONFIDENTIAL",
    regulations: ["GDPR"],
    residencyCountries: [],
    residencyJurisdictions: ["EU"],
    onPremOnly: false,
    ownerTeam: "vision-edge",
    stewards: ["steward"],
    replicas: ["edge-munich-factory", "dc-frankfurt"],
  },
  {
    slug: "open-images-v7",
    name: "Open Images v7",
    description: "Public image dataset for pre-training vision models.",
    sizeGib: 18_000,
    classification: "PUBLIC",
    regulations: [],
    residencyCountries: [],
    residencyJurisdictions: [],
    onPremOnly: false,
    ownerTeam: "vision-edge",
    stewards: [],
    replicas: ["gcp-us-central1"],
  },
];

type TWorkloadState =
  | "DRAFT"
  | "PENDING"
  | "AWAITING_APPROVAL"
  | "SCHEDULED"
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "CANCELLED"
  | "PREEMPTED"
  | "REJECTED";

export const WORKLOADS: {
  key: string;
  name: string;
  kind: "TRAINING" | "FINE_TUNING" | "BATCH_INFERENCE" | "ONLINE_INFERENCE";
  team: string;
  submittedBy: string;
  state: TWorkloadState;
  /** The states it went through, ending in `state`. */
  path: TWorkloadState[];
  reason?: string;
  gpu: { nodes: number; gpusPerNode: number };
  gpuModels: TGpuModel[];
  hours: number;
  datasets: string[];
  site?: string;
  priority: number;
  preemptible?: boolean;
  budgetUsd?: number;
  latency?: { userRegion: string; maxMs: number };
  certifications?: string[];
  allowedKinds?: ("ON_PREM" | "CLOUD" | "EDGE")[];
  dependsOn?: string[];
  /** Held above the team's guarantee, on idle capacity: reclaimable (fair sharing). */
  borrowed?: boolean;
  ageHours: number;
}[] = [
  {
    key: "pretrain-70b",
    name: "pretrain-70b-r3",
    kind: "TRAINING",
    team: "foundation-models",
    submittedBy: "researcher",
    state: "RUNNING",
    path: ["PENDING", "SCHEDULED", "RUNNING"],
    gpu: { nodes: 16, gpusPerNode: 8 },
    gpuModels: ["H100"],
    hours: 720,
    datasets: ["web-crawl-2026", "code-corpus-v4"],
    site: "dc-ashburn",
    priority: 90,
    ageHours: 200,
  },
  {
    key: "code-model-sft",
    name: "code-model-sft",
    kind: "FINE_TUNING",
    team: "applied-ml",
    submittedBy: "engineer",
    state: "RUNNING",
    path: ["PENDING", "SCHEDULED", "RUNNING"],
    gpu: { nodes: 2, gpusPerNode: 8 },
    gpuModels: ["A100-80GB"],
    hours: 36,
    datasets: ["code-corpus-v4"],
    site: "dc-frankfurt",
    priority: 60,
    ageHours: 20,
  },
  {
    key: "claims-risk-model",
    name: "claims-risk-model",
    kind: "TRAINING",
    team: "health-ai",
    submittedBy: "engineer",
    state: "RUNNING",
    path: ["PENDING", "AWAITING_APPROVAL", "SCHEDULED", "RUNNING"],
    gpu: { nodes: 4, gpusPerNode: 8 },
    gpuModels: ["H100"],
    hours: 96,
    datasets: ["claims-2025"],
    site: "dc-ashburn",
    priority: 70,
    certifications: ["HIPAA"],
    ageHours: 30,
  },
  {
    key: "search-embeddings-serve",
    name: "search-embeddings-serve",
    kind: "ONLINE_INFERENCE",
    team: "inference-platform",
    submittedBy: "platform",
    state: "RUNNING",
    path: ["PENDING", "SCHEDULED", "RUNNING"],
    gpu: { nodes: 6, gpusPerNode: 2 },
    gpuModels: ["L4"],
    hours: 2_160,
    datasets: ["product-catalog-embeddings"],
    site: "edge-chicago-retail",
    priority: 80,
    latency: { userRegion: "us-east", maxMs: 30 },
    ageHours: 400,
  },
  {
    key: "shelf-detector",
    name: "shelf-detector-v2",
    kind: "ONLINE_INFERENCE",
    team: "vision-edge",
    submittedBy: "vision",
    state: "SCHEDULED",
    path: ["PENDING", "SCHEDULED"],
    gpu: { nodes: 4, gpusPerNode: 1 },
    gpuModels: ["T4"],
    hours: 720,
    datasets: ["store-camera-frames"],
    site: "edge-tokyo-stores",
    priority: 70,
    latency: { userRegion: "ap-northeast", maxMs: 20 },
    ageHours: 2,
  },
  {
    key: "nightly-eval",
    name: "nightly-eval-sweep",
    kind: "BATCH_INFERENCE",
    team: "applied-ml",
    submittedBy: "engineer",
    state: "SCHEDULED",
    path: ["PENDING", "SCHEDULED"],
    gpu: { nodes: 1, gpusPerNode: 4 },
    gpuModels: ["L40S"],
    hours: 6,
    datasets: ["llm-checkpoints-70b"],
    site: "dc-ashburn",
    priority: 40,
    preemptible: true,
    // Applied ML is guaranteed no L40S (its "*" guarantee is 0): these four are borrowed.
    borrowed: true,
    ageHours: 1,
  },
  {
    key: "eu-support-ft",
    name: "eu-support-assistant-ft",
    kind: "FINE_TUNING",
    team: "applied-ml",
    submittedBy: "engineer",
    // Placed and sent for approval by the demo activity (packages/api/src/demo), through the
    // real services, so that its request carries a real placement explanation.
    state: "PENDING",
    path: ["PENDING"],
    gpu: { nodes: 1, gpusPerNode: 8 },
    gpuModels: ["H100", "A100-80GB"],
    hours: 18,
    datasets: ["eu-support-transcripts"],
    priority: 60,
    budgetUsd: 2_000,
    allowedKinds: ["ON_PREM", "CLOUD"],
    ageHours: 3,
  },
  {
    key: "ct-segmentation",
    name: "ct-segmentation-3d",
    kind: "TRAINING",
    team: "health-ai",
    submittedBy: "engineer",
    state: "PENDING",
    path: ["PENDING"],
    reason: "waiting for 8 free H100 on-prem in the US",
    gpu: { nodes: 8, gpusPerNode: 8 },
    gpuModels: ["H100"],
    hours: 120,
    datasets: ["patient-imaging-ct"],
    priority: 70,
    certifications: ["HIPAA"],
    ageHours: 1,
  },
  {
    key: "fraud-features",
    name: "fraud-features-refresh",
    kind: "BATCH_INFERENCE",
    team: "applied-ml",
    submittedBy: "engineer",
    state: "SUCCEEDED",
    path: ["PENDING", "SCHEDULED", "RUNNING", "SUCCEEDED"],
    gpu: { nodes: 1, gpusPerNode: 4 },
    gpuModels: ["L40S"],
    hours: 2,
    datasets: ["sg-payments-fraud"],
    site: "dc-singapore",
    priority: 50,
    ageHours: 5,
  },
  {
    key: "fraud-ft",
    name: "fraud-detector-ft",
    kind: "FINE_TUNING",
    team: "applied-ml",
    submittedBy: "engineer",
    state: "PENDING",
    path: ["PENDING"],
    reason: "depends on fraud-features-refresh",
    gpu: { nodes: 1, gpusPerNode: 4 },
    gpuModels: ["L40S"],
    hours: 10,
    datasets: ["sg-payments-fraud"],
    priority: 50,
    dependsOn: ["fraud-features"],
    ageHours: 1,
  },
  {
    key: "defect-detector-train",
    name: "defect-detector-train",
    kind: "TRAINING",
    team: "vision-edge",
    submittedBy: "vision",
    state: "SUCCEEDED",
    path: ["PENDING", "SCHEDULED", "RUNNING", "SUCCEEDED"],
    gpu: { nodes: 1, gpusPerNode: 8 },
    gpuModels: ["A100-80GB"],
    hours: 14,
    datasets: ["factory-defects-eu"],
    site: "dc-frankfurt",
    priority: 50,
    ageHours: 72,
  },
  {
    key: "vision-pretrain",
    name: "vision-backbone-pretrain",
    kind: "TRAINING",
    team: "vision-edge",
    submittedBy: "vision",
    state: "FAILED",
    path: ["PENDING", "SCHEDULED", "RUNNING", "FAILED"],
    reason: "NCCL timeout on gcp-us-central1 node 3 after 41 h",
    gpu: { nodes: 2, gpusPerNode: 8 },
    gpuModels: ["A100"],
    hours: 41,
    datasets: ["open-images-v7"],
    site: "gcp-us-central1",
    priority: 40,
    preemptible: true,
    ageHours: 96,
  },
  {
    key: "chat-serve-canary",
    name: "chat-serve-canary",
    kind: "ONLINE_INFERENCE",
    team: "inference-platform",
    submittedBy: "platform",
    state: "CANCELLED",
    path: ["PENDING", "SCHEDULED", "CANCELLED"],
    reason: "canary superseded by release 2026.11",
    gpu: { nodes: 1, gpusPerNode: 2 },
    gpuModels: ["L4"],
    hours: 48,
    datasets: [],
    site: "aws-eu-west-1",
    priority: 60,
    ageHours: 50,
  },
  {
    key: "summarizer-draft",
    name: "ticket-summarizer-eval",
    kind: "BATCH_INFERENCE",
    team: "applied-ml",
    submittedBy: "engineer",
    state: "DRAFT",
    path: ["DRAFT"],
    gpu: { nodes: 1, gpusPerNode: 1 },
    gpuModels: ["L4", "A10G"],
    hours: 3,
    datasets: ["product-catalog-embeddings"],
    priority: 20,
    ageHours: 0.5,
  },
];

export const POLICIES: {
  key: string;
  name: string;
  description: string;
  kind:
    | "REGULATED_DATA"
    | "CROSS_BORDER_TRANSFER"
    | "SPEND_THRESHOLD"
    | "PLACEMENT_OVERRIDE"
    | "BUDGET_EXCEEDED"
    | "DECLASSIFICATION";
  approverKind: "DATASET_STEWARDS" | "ROLE";
  approverRole?: TRole;
  requiredApprovals: number;
  thresholdUsd?: string;
  stepOrder: number;
}[] = [
  {
    key: "regulated-data",
    name: "Regulated data needs its steward",
    description: "A workload that reads a REGULATED dataset waits for one of the dataset's stewards.",
    kind: "REGULATED_DATA",
    approverKind: "DATASET_STEWARDS",
    requiredApprovals: 1,
    stepOrder: 10,
  },
  {
    key: "cross-border-copy",
    name: "Cross-border copies need a steward",
    description: "Copying a dataset into another jurisdiction needs a data steward's approval.",
    kind: "CROSS_BORDER_TRANSFER",
    approverKind: "ROLE",
    approverRole: "DATA_STEWARD",
    requiredApprovals: 1,
    stepOrder: 20,
  },
  {
    key: "spend-over-25k",
    name: "Spend over $25,000",
    description: "An estimated spend above $25,000 needs a platform engineer.",
    kind: "SPEND_THRESHOLD",
    approverKind: "ROLE",
    approverRole: "PLATFORM_ENGINEER",
    requiredApprovals: 1,
    thresholdUsd: "25000.00",
    stepOrder: 30,
  },
  {
    key: "placement-override",
    name: "Overrides need an admin",
    description: "Placing a workload somewhere other than the engine's recommendation needs an admin.",
    kind: "PLACEMENT_OVERRIDE",
    approverKind: "ROLE",
    approverRole: "ADMIN",
    requiredApprovals: 1,
    stepOrder: 40,
  },
  {
    key: "model-declassification",
    name: "Model declassification",
    description:
      "Lifting the classification, regulations and residency a model inherited from its training data needs the approval of that data's stewards.",
    kind: "DECLASSIFICATION",
    approverKind: "DATASET_STEWARDS",
    requiredApprovals: 1,
    stepOrder: 50,
  },
];

/**
 * Models registered by demo training runs that succeeded. Each was trained on one dataset, so
 * it carries exactly that dataset's classification, regulations and residency, as a run
 * that succeeds registers it (packages/api/src/models/inherit.ts).
 */
export const MODELS: {
  slug: string;
  name: string;
  version: string;
  description: string;
  sizeGib: number;
  producedBy: string;
  trainedOn: [string];
}[] = [
  {
    slug: "defect-detector-v1",
    name: "defect-detector",
    version: "v1",
    description: "Defect detector for the EU plants' line cameras, trained on GDPR-regulated images.",
    sizeGib: 12,
    producedBy: "defect-detector-train",
    trainedOn: ["factory-defects-eu"],
  },
];

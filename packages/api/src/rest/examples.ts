/**
 * A request body for every REST operation that takes one, keyed by operationId (the
 * procedure path). Each works against the demo estate as it is; a contract test sends every
 * one. Path parameters (`{id}`) are the caller's: the estate examples are written for
 * site-dc-stockholm, team-applied-ml and node-dc-stockholm-a100-80gb-012.
 */
const SPEC = {
  name: "nightly-eval",
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4"],
  estimatedHours: 2,
};

export const REST_EXAMPLES: Record<string, { summary: string; value: Record<string, unknown> }> = {
  "workload.submit": {
    summary: "One L4 for two hours for Applied ML",
    value: { spec: SPEC, clientKey: "nightly-eval-2026-12-02" },
  },
  "workload.submitBatch": {
    summary: "A small sweep, saved, placed together and scheduled in one call",
    value: {
      workloads: [1, 2, 3].map((i) => ({
        spec: { ...SPEC, name: `eval-shard-${i}` },
        clientKey: `eval-sweep-2026-12-06-${i}`,
      })),
      schedule: true,
    },
  },
  "workload.preview": {
    summary: "Where would one L4 for two hours run? The best 5, and why not Stockholm",
    value: { ...SPEC, candidates: 5, whyNot: "site-dc-stockholm" },
  },
  "workload.batchRecommend": {
    summary: "Two specs placed together",
    value: {
      specs: [
        SPEC,
        {
          ...SPEC,
          name: "fine-tune-small",
          kind: "FINE_TUNING",
          gpu: { count: 2 },
          gpuModels: ["A100-80GB", "H100"],
        },
      ],
    },
  },
  "workload.schedule": { summary: "Accept the latest recommendation", value: {} },
  "workload.cancel": { summary: "Cancel with a reason", value: { reason: "superseded by a newer run" } },
  "workload.transition": {
    summary: "Cancel through the lifecycle",
    value: { to: "CANCELLED", reason: "not needed" },
  },
  "approval.decide": {
    summary: "Approve the current step",
    value: { verdict: "APPROVE", comment: "Fine by policy." },
  },
  "dataset.create": {
    summary: "Register a confidential EU dataset stored in Frankfurt today",
    value: {
      slug: "support-tickets-2026",
      name: "Support tickets 2026",
      description: "Customer support tickets for fine-tuning the triage model.",
      sizeGb: 120,
      classification: "CONFIDENTIAL",
      regulations: ["GDPR"],
      residencyCountries: [],
      residencyJurisdictions: ["EU"],
      onPremOnly: false,
      ownerTeamId: "team-applied-ml",
      stewardIds: ["user-steward"],
      replicaSiteIds: ["site-dc-frankfurt"],
    },
  },
  "dataset.update": {
    summary: "Mark a dataset regulated under GDPR, resident in Germany",
    value: {
      data: {
        name: "Support tickets 2026",
        description: "Now under GDPR: tickets carry customers' names.",
        sizeGb: 140,
        classification: "REGULATED",
        regulations: ["GDPR"],
        residencyCountries: ["DE"],
        residencyJurisdictions: ["EU"],
        onPremOnly: false,
        ownerTeamId: "team-applied-ml",
        stewardIds: ["user-steward"],
      },
    },
  },
  "site.update": {
    summary: "Stockholm DC with its price and latencies (send If-Match with the site's ETag)",
    value: {
      data: {
        slug: "dc-stockholm",
        name: "Stockholm DC (on-prem)",
        kind: "ON_PREM",
        provider: "onprem",
        region: "eu-north",
        country: "SE",
        jurisdiction: "EU",
        certifications: ["ISO27001", "SOC2", "GDPR"],
        wanGbps: 40,
        egressUsdPerGb: 0.01,
        carbonGPerKwh: 40,
        latitude: 59.33,
        longitude: 18.07,
        prices: [{ gpuModel: "A100-80GB", usdPerGpuHour: 1.05 }],
        latencies: [
          { userRegion: "eu-north", latencyMs: 3 },
          { userRegion: "eu-west", latencyMs: 28 },
        ],
      },
      status: "ACTIVE",
    },
  },
  "team.updateQuotas": {
    summary: "Applied ML's quotas: H100, A100-80GB and any model",
    value: {
      quotas: [
        { gpuModel: "H100", guaranteedGpus: 32, limitGpus: 96 },
        { gpuModel: "A100-80GB", guaranteedGpus: 32, limitGpus: 64 },
        { gpuModel: "*", guaranteedGpus: 0, limitGpus: 64 },
      ],
    },
  },
  "team.setBudget": {
    summary: "Applied ML: $250,000 a month, refused beyond it",
    value: { monthlyUsd: 250_000, mode: "HARD" },
  },
  "node.cordon": { summary: "Cordon one node", value: { ids: ["node-dc-stockholm-a100-80gb-012"] } },
  "node.drain": { summary: "Drain one node", value: { ids: ["node-dc-stockholm-a100-80gb-012"] } },
  "node.uncordon": { summary: "Back to READY", value: { ids: ["node-dc-stockholm-a100-80gb-012"] } },
  "workload.finishTransfer": {
    summary: "The copy arrived",
    value: { outcome: "COMPLETED", note: "copied by the nightly sync job" },
  },
  "dataset.addReplica": { summary: "A copy in Ashburn", value: { siteId: "site-dc-ashburn" } },
  "model.declassify": {
    summary: "Ask the data's stewards to declassify a model",
    value: {
      toClassification: "INTERNAL",
      reason: "Detects defects from pixels only: no person or plant identifiers reach the weights.",
    },
  },
  "webhook.create": {
    summary: "Workload and approval events to a public receiver",
    value: {
      name: "ci-events",
      url: "https://93.184.215.14/switchyard/events",
      events: ["workload.state_changed", "approval.decided"],
    },
  },
  "webhook.update": {
    summary: "Subscribe to approvals only",
    value: { events: ["approval.requested", "approval.decided"], enabled: true },
  },
  "fairShare.createGroup": {
    summary: "A department under the demo organisation",
    value: { slug: "research", name: "Research", kind: "DEPARTMENT", parentId: "org-switchyard", weight: 1 },
  },
  "fairShare.updateGroup": { summary: "Give a department twice the weight", value: { weight: 2 } },
  "fairShare.createSiteGroup": {
    summary: "The EU data centres, for a guarantee that must hold in the EU",
    value: {
      slug: "eu-datacentres",
      name: "EU data centres",
      siteIds: ["site-dc-frankfurt", "site-dc-stockholm"],
    },
  },
  "fairShare.updateSiteGroup": {
    summary: "Add a site to the group",
    value: { siteIds: ["site-dc-frankfurt", "site-dc-stockholm", "site-gcp-europe-west4"] },
  },
  "fairShare.setGpuClasses": {
    summary: "Count shares in H100-equivalents, by price",
    value: {
      classes: [
        { gpuModel: "H100", units: 1 },
        { gpuModel: "A100-80GB", units: 0.6 },
        { gpuModel: "L40S", units: 0.45 },
        { gpuModel: "L4", units: 0.25 },
        { gpuModel: "T4", units: 0.12 },
      ],
    },
  },
  "fairShare.setTeam": {
    summary: "Applied ML in the AI department, weight 2",
    value: { groupId: "dept-ai", weight: 2 },
  },
  "audit.verify": { summary: "Verify the whole chain (the body takes no fields)", value: {} },
  "executor.put": {
    summary:
      "A Kubernetes executor with Kueue: Applied ML's Jobs go to namespace ml-train, LocalQueue ml-gpu",
    value: {
      settings: {
        kind: "KUBERNETES",
        endpoint: "https://k8s.example.internal:6443",
        token: "eyJhbGciOiJSUzI1NiJ9.example-service-account-token.signature",
        teams: { "applied-ml": { namespace: "ml-train", localQueue: "ml-gpu" } },
        nodePoolLabel: "cloud.google.com/gke-nodepool=a3-h200",
      },
    },
  },
  "token.create": {
    summary: "A read-only token for 30 days",
    value: { name: "ci-read", scopes: ["read"], expiresInDays: 30 },
  },
  "agent.register": {
    summary: "One H200 node as nvidia-smi reports it",
    value: {
      hostname: "gpu-h200-001",
      gpus: [
        {
          index: 0,
          uuid: "GPU-42dd91a9-9f39-a14f-d190-a54a7e258822",
          name: "NVIDIA H200",
          memoryTotalMib: 143771,
          migMode: "Disabled",
        },
      ],
      driverVersion: "580.159.04",
      cudaVersion: "13.0",
      agentVersion: "0.1.0",
    },
  },
  "agent.heartbeat": { summary: "The node is alive", value: { hostname: "gpu-h200-001" } },
  "agent.telemetry": {
    summary: "One sample of GPU 0",
    value: {
      hostname: "gpu-h200-001",
      samples: [
        {
          gpuIndex: 0,
          at: "2026-12-01T10:00:00.000Z",
          utilizationPct: 100,
          memoryUsedMib: 40823,
          powerW: 692.81,
          temperatureC: 57,
          eccErrors: 0,
          xidErrors: null,
        },
      ],
    },
  },
  "service.plan": {
    summary:
      "Where the EU defect detector's replicas would run for the EU and US plants (its data stays in the EU)",
    value: {
      name: "defect-detector-us-eu",
      teamId: "team-vision-edge",
      modelId: "dataset-defect-detector-v1",
      gpu: { count: 1 },
      gpuModels: ["L4", "L40S", "A100-80GB"],
      replicaCapacityRps: 80,
      regions: [
        { region: "eu-west", demandRps: 120, maxLatencyMs: 40 },
        { region: "us-east", demandRps: 60, maxLatencyMs: 40 },
      ],
      minReplicas: 2,
      maxReplicas: 8,
    },
  },
  "service.create": {
    summary: "The defect detector served to EU plants from on-prem, cloud and edge sites",
    value: {
      name: "defect-detector-canary",
      teamId: "team-vision-edge",
      modelId: "dataset-defect-detector-v1",
      gpu: { count: 1 },
      gpuModels: ["L4", "L40S", "A100-80GB"],
      replicaCapacityRps: 80,
      regions: [
        { region: "eu-west", demandRps: 120, maxLatencyMs: 40 },
        { region: "eu-central", demandRps: 60, maxLatencyMs: 40 },
      ],
      minReplicas: 2,
      maxReplicas: 8,
      applyMode: "PROPOSE",
    },
  },
  "service.update": {
    summary: "Demand rose in eu-west",
    value: { regions: [{ region: "eu-west", demandRps: 300, maxLatencyMs: 40 }] },
  },
  "service.applyPlan": { summary: "Apply the pending proposal", value: {} },
  "whatIf.preview": {
    summary: "What moves if Frankfurt's A100 nodes drain and Singapore's H100 gets cheaper",
    value: {
      changes: [
        { kind: "drain", nodes: { gpuModel: "A100-80GB", siteId: "site-dc-frankfurt" } },
        { kind: "price", siteId: "site-dc-singapore", gpuModel: "H100", usdPerGpuHour: 1.5 },
      ],
    },
  },
  "whatIf.save": {
    summary: "Save a scenario shared with everyone: Frankfurt's A100 nodes drained",
    value: {
      name: "Frankfurt A100 maintenance",
      description: "Firmware upgrade of the A100 pool",
      changes: [{ kind: "drain", nodes: { gpuModel: "A100-80GB", siteId: "site-dc-frankfurt" } }],
      teamId: null,
    },
  },
  "whatIf.planDrain": {
    summary: "Confirm the drain",
    value: { confirm: true },
  },
  "savedView.save": {
    summary: "Draining H100 nodes, by hostname",
    value: {
      table: "nodes",
      name: "H100 nodes draining",
      query: "status=DRAINING&gpuModel=H100&sort=hostname",
    },
  },
};

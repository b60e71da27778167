/**
 * A request body for every REST operation that takes one, keyed by operationId (the
 * procedure path). Each works against the demo estate as it is; a contract test sends every
 * one. Path parameters (`{id}`) are the caller's.
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
  "workload.preview": { summary: "Where would one L4 for two hours run?", value: SPEC },
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
  "token.create": {
    summary: "A read-only token for 30 days",
    value: { name: "ci-read", scopes: ["read"], expiresInDays: 30 },
  },
};

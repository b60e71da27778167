import { z } from "zod";

/**
 * Response schemas of the procedures served under /api/v1 (trpc-to-openapi needs one per
 * operation). They name the fields clients rely on and let the rest through (loose objects),
 * so a field added to a procedure never breaks the console or a client; the OpenAPI document
 * is generated from them.
 */
/**
 * A response schema typed as what the service returns: the schema documents and checks the
 * fields it names, while tRPC callers (the console) keep the service's exact types.
 */
// biome-ignore lint/suspicious/noExplicitAny: matches any service function
export function outputOf<Fn extends (...args: any[]) => unknown>(schema: z.ZodType) {
  return schema as unknown as z.ZodType<Awaited<ReturnType<Fn>>>;
}

const ZRef = z.looseObject({ id: z.string(), name: z.string() });
const ZWhen = z.date().meta({ description: "ISO 8601 date-time (UTC)" });

export function ZPageOf<Row extends z.ZodType>(row: Row) {
  return z.object({
    rows: z.array(row),
    total: z.number().int().meta({
      description:
        "Rows matching the filters, all pages; PostgreSQL's estimate when totalIsEstimate (large lists above 10,000 rows)",
    }),
    totalIsEstimate: z
      .boolean()
      .meta({ description: "true: total and pages are an estimate (shown as “about N”), not a count" }),
    page: z.number().int().meta({
      description:
        "The page's number; the node and workload lists (keyset cursors) answer 1 for a page after a cursor",
    }),
    pageSize: z.number().int(),
    pages: z.number().int(),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` to get the next page; null on the last page" }),
  });
}

export const ZWorkloadState = z.enum([
  "DRAFT",
  "PENDING",
  "AWAITING_APPROVAL",
  "SCHEDULED",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLED",
  "PREEMPTED",
  "REJECTED",
]);

export const ZWorkloadRow = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  state: ZWorkloadState,
  stateReason: z.string().nullable(),
  gpuCount: z.number().int(),
  createdAt: ZWhen,
  team: ZRef,
  site: ZRef.nullable(),
});

const ZApprovalNeed = z.looseObject({
  ruleKey: z.string(),
  ruleName: z.string(),
  kind: z.enum([
    "REGULATED_DATA",
    "CROSS_BORDER_TRANSFER",
    "SPEND_THRESHOLD",
    "PLACEMENT_OVERRIDE",
    "BUDGET_EXCEEDED",
    "DECLASSIFICATION",
  ]),
  reason: z
    .string()
    .meta({ description: 'Why the rule applies, e.g. "reads REGULATED dataset claims-2025"' }),
  datasetId: z.string().nullable(),
  datasetName: z.string().nullable(),
  approverKind: z.enum(["ROLE", "DATASET_STEWARDS"]),
  approverRole: z.string().nullable(),
  approvers: z
    .string()
    .meta({ description: 'Who decides, in words: "a steward of claims-2025", "a platform engineer"' }),
  approverNames: z.array(z.string()).meta({
    description: "The named people who may decide (the dataset's stewards); empty when a role decides",
  }),
  requiredApprovals: z.number().int(),
});

const ZCandidate = z.looseObject({
  rank: z.number().int(),
  siteId: z.string(),
  siteName: z.string(),
  gpuModel: z.string(),
  totalScore: z.number(),
  cost: z.looseObject({ computeUsd: z.number(), egressUsd: z.number(), totalUsd: z.number() }),
  nodes: z.array(z.looseObject({ nodeId: z.string(), gpus: z.number().int() })),
});

/** A candidate with the approvals choosing it would need (the same rules scheduling applies). */
const ZCandidateWithApprovals = ZCandidate.extend({
  approvals: z.array(ZApprovalNeed).meta({
    description:
      "The approvals scheduling this candidate would ask for, and who decides; empty when it would be scheduled at once. A candidate other than the first is chosen by override, so override rules count.",
  }),
});
const ZRejectedSite = z.looseObject({
  siteId: z.string(),
  siteName: z.string(),
  reasons: z.array(z.looseObject({ message: z.string() })),
});

const ZOmitted = z.looseObject({
  candidates: z.number().int().meta({
    description:
      "Feasible sites ranked below the candidates answered (their nodes are not chosen: a site whose GPUs are too fragmented for the ask still counts here)",
  }),
  rejected: z
    .number()
    .int()
    .meta({ description: "Rejected sites not listed in `rejected` (counted by reason in `reasonCounts`)" }),
});

/** What the engine answers for one spec: the top candidates, the rejections counted by reason. */
export const ZPlacementResult = z.looseObject({
  feasible: z.boolean(),
  summary: z.string().meta({ description: 'e.g. "0/412 sites fit: 301 no free H100 ×8, …"' }),
  candidates: z.array(ZCandidateWithApprovals).meta({
    description:
      "The best `candidates` (default 10) feasible sites, best first; the first is the recommendation",
  }),
  rejected: z.array(ZRejectedSite).meta({
    description:
      'Every rejected site with its reasons when `candidates` is "all"; otherwise empty (see `reasonCounts`)',
  }),
  reasonCounts: z.array(z.looseObject({ message: z.string(), count: z.number().int() })),
  counts: z.looseObject({ sites: z.number().int(), feasible: z.number().int(), rejected: z.number().int() }),
  omitted: ZOmitted,
  whyNot: z
    .object({ siteId: z.string(), fits: z.boolean(), explanation: z.string() })
    .nullable()
    .meta({ description: "The site asked about in `whyNot`, explained; null when none was asked" }),
});

export const ZBatchRecommendResult = z.looseObject({
  placements: z.array(
    z.looseObject({ specIndex: z.number().int(), siteId: z.string(), siteName: z.string() }),
  ),
  unplaced: z.array(z.looseObject({ specIndex: z.number().int(), summary: z.string() })),
  totalCostUsd: z.number(),
});

export const ZDecision = z.looseObject({
  id: z.string(),
  createdAt: ZWhen,
  feasible: z.boolean(),
  summary: z.string(),
  candidates: z.looseObject({
    candidates: z.array(
      ZCandidate.extend({
        approvals: z.array(ZApprovalNeed).nullable().meta({
          description:
            "The approvals scheduling this candidate would ask for now, and who decides; empty when it would be scheduled at once; null when the decision can no longer be scheduled.",
        }),
      }),
    ),
    omitted: z.number().int().meta({
      description:
        "Feasible sites ranked below the stored candidates (a decision keeps the top 10; 0 in decisions stored whole)",
    }),
    fallback: z
      .looseObject({
        rank: z.number().int(),
        siteId: z.string(),
        tried: z.array(z.looseObject({ rank: z.number().int(), siteId: z.string(), reason: z.string() })),
      })
      .nullable()
      .meta({
        description:
          "Set when scheduling found the better candidates' GPUs taken meanwhile and took this one: which won, and why the ones before it lost",
      }),
  }),
  rejections: z.looseObject({
    rejected: z.array(ZRejectedSite),
    reasonCounts: z.array(z.looseObject({ message: z.string(), count: z.number().int() })),
    omitted: z.number().int().meta({
      description:
        "Rejected sites not listed (counted in reasonCounts); ask GET /workloads/{id}/why-not/{siteId} for one",
    }),
  }),
});

export const ZWorkloadDetail = ZWorkloadRow.extend({
  decision: ZDecision.nullable(),
  events: z.array(z.looseObject({ toState: z.string(), createdAt: ZWhen })),
  approvals: z.array(
    z.looseObject({
      id: z.string(),
      status: z.string(),
      siteId: z
        .string()
        .nullable()
        .meta({ description: "The site the placement waiting on this request is to be scheduled at." }),
    }),
  ),
});

export const ZSubmitResult = z.object({
  id: z.string(),
  created: z.boolean().meta({ description: "false when the clientKey matched an earlier submission" }),
  schedule: z
    .object({
      state: z.string().meta({
        description:
          "SCHEDULED, AWAITING_APPROVAL or PENDING; for a replayed submission (same clientKey), the workload's state now",
      }),
      siteId: z.string().nullable(),
      approvalRequestId: z.string().nullable(),
      reason: z
        .string()
        .nullable()
        .meta({ description: "Why it is still PENDING (no site fits now, another placement took the GPUs)" }),
    })
    .optional()
    .meta({ description: "Only when `schedule` was sent: where the workload stands after the call" }),
});

export const ZSubmitBatchResult = z.object({
  workloads: z.array(ZSubmitResult).meta({ description: "One answer per workload sent, in the order sent" }),
  bound: z.string().nullable().meta({
    description:
      'The batch placement\'s proven distance from optimal ("within 0.4% of optimal for 12 workloads …"); null when nothing was placed',
  }),
});

export const ZScheduleResult = z.looseObject({
  state: z.enum(["SCHEDULED", "AWAITING_APPROVAL"]),
  siteId: z.string(),
  approvalRequestId: z.string().nullable(),
});

export const ZPlaceResult = z
  .looseObject({ decisionId: z.string(), feasible: z.boolean(), summary: z.string() })
  .nullable()
  .meta({ description: "null when the workload waits on a parent and was not placed" });

export const ZTransitionResult = z.looseObject({ from: z.string(), to: z.string() });

export const ZWhyNot = z.object({
  siteId: z.string(),
  decisionId: z.string(),
  fits: z.boolean(),
  source: z.enum(["decision", "current-estate"]).meta({
    description:
      "decision: from the stored explanation; current-estate: the decision did not keep this site, so the engine ran again on the estate as it is now",
  }),
  explanation: z.string(),
});

export const ZApprovalRow = z.looseObject({ id: z.string(), status: z.string(), createdAt: ZWhen });
export const ZDecideResult = z.looseObject({
  status: z
    .enum(["PENDING", "APPROVED", "REJECTED"])
    .meta({ description: "The request's status after this decision" }),
  workloadState: z
    .string()
    .nullable()
    .meta({ description: "The workload's state when the decision closed the request" }),
});
export const ZApprovalDetail = z.looseObject({ id: z.string(), status: z.string() });

export const ZSiteRow = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  status: z.string(),
});
export const ZNodeRow = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  status: z.string(),
  gpuModel: z.string(),
});
export const ZDatasetRow = z.looseObject({ id: z.string(), name: z.string(), classification: z.string() });

const ZRules = {
  classification: z.string(),
  regulations: z.array(z.string()),
  residencyCountries: z.array(z.string()).meta({ description: "Empty: no country restriction" }),
  residencyJurisdictions: z.array(z.string()).meta({ description: "Empty: no jurisdiction restriction" }),
  onPremOnly: z.boolean(),
};

export const ZModelRow = z.looseObject({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  ...ZRules,
  producedAt: ZRef.nullable(),
  producedBy: ZRef.nullable().meta({
    description: "The run that produced it; null when it is not yours to see",
  }),
  trainedOn: z.array(ZRef),
  declassified: z.boolean(),
  createdAt: ZWhen,
});

export const ZModelDetail = ZModelRow.extend({
  inherited: z.looseObject({
    ...ZRules,
    from: z.looseObject({}).meta({ description: "For each rule, the names of the inputs it comes from" }),
  }),
  fineTunedInto: z.array(ZRef),
  servedBy: z.array(ZRef),
  declassifications: z.array(
    z.looseObject({
      id: z.string(),
      toClassification: z.string(),
      reason: z.string(),
      request: z.looseObject({ id: z.string(), status: z.string() }),
    }),
  ),
});
export const ZTeamRow = z.looseObject({ id: z.string(), name: z.string(), slug: z.string() });

export const ZAuditEvent = z.looseObject({
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  actorLabel: z.string(),
  createdAt: ZWhen,
});
export const ZAuditVerify = z.looseObject({ ok: z.boolean() });

export const ZSavedView = z.object({
  id: z.string(),
  table: z.string().meta({ description: "The console table the view belongs to" }),
  name: z.string(),
  query: z
    .string()
    .meta({ description: "The table's URL query (sort, dir, q and its filters), without the page" }),
  createdAt: ZWhen,
  updatedAt: ZWhen,
});
export const ZTokenView = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["PERSONAL", "SERVICE", "AGENT"]),
  prefix: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(["ACTIVE", "EXPIRED", "REVOKED"]),
  createdAt: ZWhen,
  expiresAt: ZWhen.nullable(),
  lastUsedAt: ZWhen.nullable(),
  lastUsedIp: z.string().nullable(),
});
export const ZCreatedToken = z.object({
  token: ZTokenView,
  secret: z.string().meta({ description: "The token itself (sy_…): shown once, store it now" }),
});

export const ZMe = z.looseObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  teams: z.array(ZRef),
});

export const ZUpdatedSite = z.looseObject({ id: z.string() });

export const ZUpdatedQuotas = z.looseObject({
  id: z.string(),
  quotas: z.array(
    z.looseObject({
      gpuModel: z.string(),
      guaranteedGpus: z.number(),
      limitGpus: z.number(),
      siteGroupId: z.string().nullable(),
    }),
  ),
});

export const ZNodeStatusChange = z.looseObject({
  status: z.enum(["READY", "CORDONED", "DRAINING", "DOWN"]),
  changed: z
    .array(z.looseObject({ id: z.string(), hostname: z.string(), from: z.string() }))
    .meta({ description: "Nodes whose status changed, with the status they left" }),
  unchanged: z.array(z.string()).meta({ description: "Hostnames already in the target status" }),
  mustMove: z
    .array(z.looseObject({}))
    .meta({ description: "Drain only: workloads still holding GPUs on these nodes" }),
});

const ZPolicyRule = z.looseObject({
  id: z.string(),
  key: z.string(),
  version: z.number().int(),
  name: z.string(),
  kind: z.string(),
  enabled: z.boolean(),
  approverKind: z.string(),
  approverRole: z.string().nullable(),
  requiredApprovals: z.number().int(),
  thresholdUsd: z.number().nullable(),
  createdAt: ZWhen,
});
export const ZPolicyRow = ZPolicyRule.extend({
  pendingStepsOnOlderVersions: z
    .number()
    .int()
    .meta({ description: "Approval steps still waiting under an older version of this rule" }),
});
export const ZPolicyHistory = z.object({
  key: z.string(),
  versions: z
    .array(
      ZPolicyRule.extend({
        changes: z
          .array(z.looseObject({ field: z.string() }))
          .nullable()
          .meta({ description: "What changed since the version before; null on version 1" }),
      }),
    )
    .meta({ description: "Every version, newest first" }),
});

export const ZEvidence = z.looseObject({
  format: z.string(),
  generatedAt: ZWhen,
  generatedBy: z.string(),
  workload: z.looseObject({ id: z.string(), name: z.string(), state: ZWorkloadState }),
  datasets: z.array(z.looseObject({ id: z.string() })),
  timeline: z.array(z.looseObject({ at: ZWhen, to: z.string() })),
  decisions: z.array(z.looseObject({ id: z.string(), feasible: z.boolean() })),
});

/** `bytes` (a decimal string) passes through the loose object: a bigint has no JSON Schema. */
export const ZTransfer = z.looseObject({
  id: z.string(),
  status: z.string(),
  costUsd: z.number(),
  dataset: ZRef,
  sourceSite: ZRef,
  destinationSite: ZRef,
});
export const ZFinishTransferResult = z.looseObject({
  id: z.string(),
  status: z.enum(["COMPLETED", "FAILED"]),
  workloadId: z.string(),
});

export const ZWebhook = z.looseObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()).meta({ description: "Subscribed events; empty means every event" }),
  enabled: z.boolean(),
  secretHint: z.string().meta({ description: "The last characters of the signing secret" }),
  createdAt: ZWhen,
});
export const ZWebhookList = ZPageOf(
  ZWebhook.extend({
    deliveries: z.looseObject({
      succeeded: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int(),
    }),
  }),
).extend({
  recentHours: z.number().int(),
  maxAttempts: z.number().int(),
});
export const ZCreatedWebhook = z.object({
  webhook: ZWebhook,
  secret: z
    .string()
    .meta({ description: "The signing secret (HMAC-SHA256 of each body): shown once, store it now" }),
});
export const ZRotatedSecret = z.looseObject({ id: z.string(), secret: z.string(), secretHint: z.string() });
export const ZIdResult = z.looseObject({ id: z.string() });
export const ZTestDelivery = z.object({
  deliveryId: z.string().meta({ description: "The queued webhook.ping delivery" }),
});
export const ZWebhookDelivery = z.looseObject({
  id: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  createdAt: ZWhen,
  webhook: z.looseObject({ id: z.string(), name: z.string() }),
});

export const ZReplicaChange = z.looseObject({
  status: z
    .enum(["REGISTERED", "AWAITING_APPROVAL"])
    .meta({ description: "AWAITING_APPROVAL: the copy needs a data steward's approval first" }),
  datasetId: z.string(),
  siteId: z.string(),
});

export const ZReplicaRemoved = z.looseObject({ datasetId: z.string(), siteId: z.string() });

export const ZTeamQuotas = z.object({
  teamId: z.string(),
  quotas: z.array(
    z.looseObject({
      gpuModel: z.string().meta({ description: "A GPU model, or * for every model together" }),
      guaranteedGpus: z.number().int(),
      limitGpus: z.number().int(),
      siteGroupId: z
        .string()
        .nullable()
        .meta({ description: "The guarantee holds on this site group's sites only; null: every site" }),
      usedGpus: z.number().int().meta({ description: "GPUs the team's scheduled and running work holds" }),
    }),
  ),
});

export const ZExecutorView = z.looseObject({
  siteId: z.string(),
  kind: z.enum(["MANUAL", "SLURM", "KUBERNETES"]),
  endpoint: z.string().nullable(),
  hasCredential: z.boolean().meta({ description: "Whether a token is stored; it is never returned" }),
  teams: z
    .record(z.string(), z.object({ namespace: z.string(), localQueue: z.string() }))
    .meta({ description: "KUBERNETES: namespace and Kueue LocalQueue per team slug" }),
  nodePoolLabel: z.string().nullable(),
  lastSyncAt: ZWhen.nullable(),
  lastError: z.string().nullable(),
  openJobs: z.number().int(),
});
export const ZConnectionTest = z.object({ ok: z.boolean(), message: z.string(), nodes: z.number().int() });
export const ZJobScript = z.object({
  fileName: z.string(),
  mediaType: z
    .string()
    .meta({ description: "text/x-shellscript (sbatch) or application/yaml (Job manifest)" }),
  script: z.string().meta({ description: "The sbatch script or the Job manifest (YAML) as handed over" }),
});

const spendFigures = {
  gpuHours: z.number().meta({ description: "Allocated GPU-hours" }),
  gpuCostUsd: z.number().meta({ description: "GPU-hours × the site's price for the GPU model" }),
  unpricedGpuHours: z
    .number()
    .meta({ description: "GPU-hours at a site with no price for the model (counted at $0)" }),
  egressUsd: z.number().meta({ description: "Egress of completed dataset copies" }),
  totalUsd: z.number(),
};

export const ZTeamSpend = z.object({
  teamId: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(z.looseObject({ day: z.string(), ...spendFigures })),
  months: z.array(z.looseObject({ month: z.string(), ...spendFigures })),
  lines: z.array(
    z.looseObject({
      siteId: z.string(),
      siteName: z.string(),
      siteKind: z.string(),
      gpuModel: z.string().nullable().meta({ description: "null on egress lines" }),
      ...spendFigures,
    }),
  ),
  totals: z.looseObject(spendFigures),
});

export const ZTeamBudget = z.looseObject({
  teamId: z.string(),
  teamName: z.string(),
  monthlyUsd: z.number().nullable(),
  mode: z.enum(["SOFT", "HARD"]),
  month: z.string(),
  monthToDateUsd: z.number(),
  unpricedGpuHours: z.number(),
  forecastUsd: z
    .number()
    .meta({ description: "Linear from month-to-date: spend so far ÷ share of the month gone" }),
  remainingUsd: z.number().nullable(),
  overBudget: z.boolean(),
  forecastOverBudget: z.boolean(),
});

export const ZUpdatedBudget = z.looseObject({
  id: z.string(),
  monthlyUsd: z.number().nullable(),
  mode: z.enum(["SOFT", "HARD"]),
});

export const ZScenario = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  changes: z.array(z.looseObject({ kind: z.string() })).meta({
    description:
      "drain | lose (nodes), price, add-capacity, policy, service-demand: see the save operation's input",
  }),
  teamId: z.string().nullable().meta({ description: "The team it is shared with; null: everyone signed in" }),
  team: ZRef.nullable(),
  createdBy: z.looseObject({ id: z.string(), name: z.string(), email: z.string() }),
  drainedAt: ZWhen.nullable().meta({ description: "When it was turned into a planned drain" }),
  drainedById: z.string().nullable(),
  createdAt: ZWhen,
  updatedAt: ZWhen,
});

const ZReplaySpot = z
  .looseObject({
    siteId: z.string(),
    siteName: z.string(),
    nodeIds: z.array(z.string()),
    costUsd: z.number(),
    latencyMs: z.number().nullable(),
  })
  .nullable();

const ZBound = z.looseObject({
  lowerBoundUsd: z.number(),
  withinPct: z.number().nullable(),
  summary: z
    .string()
    .meta({ description: "e.g. within 1.2% of optimal for 240 workloads (lower bound $91,005)" }),
});

const ZRegionServed = z.looseObject({
  status: z.enum(["covered", "partial", "uncovered"]),
  demandRps: z.number(),
  maxLatencyMs: z.number(),
  servedRps: z.number(),
  latencyMs: z
    .number()
    .nullable()
    .meta({ description: "Demand-weighted mean latency; null when nothing is served" }),
});

const ZServiceRegionChange = z.looseObject({
  region: z.string(),
  before: ZRegionServed,
  after: ZRegionServed,
  lost: z.boolean().meta({ description: "Served whole within its SLO before, not after" }),
  reason: z
    .string()
    .nullable()
    .meta({ description: "Why the region is short after the changes (the engine's words)" }),
});

const ZServiceSite = z.looseObject({ siteId: z.string(), siteName: z.string() }).nullable();

const ZServiceReplay = z.looseObject({
  serviceId: z.string(),
  name: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  regions: z.array(ZServiceRegionChange),
  lostRegions: z.array(ZServiceRegionChange).meta({ description: "The regions that lose their SLO" }),
  replicasBefore: z.number().int(),
  replicasAfter: z.number().int(),
  replicasMoved: z.number().int(),
  moves: z
    .array(z.looseObject({ from: ZServiceSite, to: ZServiceSite, replicas: z.number().int() }))
    .meta({ description: "Replicas leaving a site for another; from null: added, to null: dropped" }),
  feasibleBefore: z.boolean(),
  feasibleAfter: z.boolean(),
  summaryBefore: z.string(),
  summaryAfter: z.string(),
  costBeforeUsdPerHour: z.number(),
  costAfterUsdPerHour: z.number(),
  costDeltaUsdPerHour: z.number(),
  error: z.string().nullable(),
});

export const ZScenarioReplay = z.looseObject({
  workloads: z
    .array(
      z.looseObject({
        workloadId: z.string(),
        name: z.string(),
        teamId: z.string(),
        change: z.enum(["moved", "unplaceable", "placed"]),
        sameSite: z.boolean(),
        running: z.boolean(),
        before: ZReplaySpot,
        after: ZReplaySpot,
        reason: z.string().nullable().meta({ description: "Why it no longer fits (the engine's summary)" }),
        costDeltaUsd: z.number(),
      }),
    )
    .meta({ description: "Only the workloads whose placement changes" }),
  teams: z.array(
    z.looseObject({
      teamId: z.string(),
      teamName: z.string(),
      workloads: z.number().int(),
      beforeUsd: z.number(),
      afterUsd: z.number(),
      deltaUsd: z.number(),
      beforeLatencyMs: z.number().nullable(),
      afterLatencyMs: z.number().nullable(),
      moved: z.number().int(),
      unplaceable: z.number().int(),
    }),
  ),
  totals: z.looseObject({
    workloads: z.number().int(),
    beforeUsd: z.number(),
    afterUsd: z.number(),
    deltaUsd: z.number(),
    moved: z.number().int(),
    unplaceable: z.number().int(),
    placed: z.number().int(),
  }),
  services: z.array(ZServiceReplay).meta({
    description:
      "Each active inference service you see, placed by the covering mode as it is and with the changes",
  }),
  bound: z.looseObject({ baseline: ZBound, scenario: ZBound }),
  drainedNodes: z.array(z.looseObject({ id: z.string(), hostname: z.string() })),
  complete: z
    .boolean()
    .meta({ description: "True when you see every team, so the totals cover the whole replay" }),
});

export const ZScenarioRun = z.looseObject({ scenario: ZScenario, result: ZScenarioReplay });

export const ZScenarioDrain = ZNodeStatusChange.extend({
  scenarioId: z.string(),
  drainedAt: ZWhen,
  down: z.array(z.string()).meta({ description: "Hostnames left out because they are DOWN already" }),
});

const ZCoverage = z.looseObject({
  region: z.string(),
  demandRps: z.number(),
  maxLatencyMs: z.number(),
  servedRps: z.number(),
  status: z.enum(["covered", "partial", "uncovered"]),
  latencyMs: z.number().optional(),
  reason: z.string().optional().meta({ description: "Why the region is short of demand" }),
});

/** A recorded service plan: replicas per site, each region's coverage, cost per hour. */
export const ZServicePlanRecord = z.looseObject({
  id: z.string(),
  status: z.enum(["PROPOSED", "APPLIED", "SUPERSEDED"]),
  feasible: z.boolean(),
  summary: z.string(),
  trigger: z
    .string()
    .meta({ description: 'Why it was made: "created", "demand changed", "replica failed"…' }),
  costUsdPerHour: z.number(),
  replicas: z.array(z.looseObject({ siteId: z.string(), siteName: z.string(), servedRps: z.number() })),
  regions: z.array(ZCoverage),
  applyError: z.string().nullable().meta({
    description:
      "Why the last attempt to apply it failed (nothing of it was applied; it stayed PROPOSED and the service is planned again); null when none failed",
  }),
  createdAt: ZWhen,
});

export const ZServiceRow = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(["ACTIVE", "STOPPED"]),
  applyMode: z.enum(["PROPOSE", "AUTO"]),
  team: ZRef,
  model: z.looseObject({ id: z.string(), name: z.string(), version: z.string().nullable() }),
  replicas: z
    .number()
    .int()
    .meta({ description: "Live replicas (pending, awaiting approval, scheduled, running)" }),
  regionsCovered: z.number().int(),
  regionsTotal: z.number().int(),
  costUsdPerHour: z
    .number()
    .nullable()
    .meta({ description: "Of the plan in force; null before one is applied" }),
  hasProposal: z.boolean(),
});

const ZUserRegionPlace = z.looseObject({
  id: z.string(),
  name: z.string().meta({ description: "What services and latencies name it: eu-west, us-east, ..." }),
  label: z.string().meta({ description: 'For people: "Europe West (London)"' }),
  latitude: z.number(),
  longitude: z.number(),
});

export const ZUserRegionRow = ZUserRegionPlace.extend({
  sitesWithLatency: z.number().int().meta({ description: "Sites with a measured latency to the region" }),
});

export const ZServiceDetail = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(["ACTIVE", "STOPPED"]),
  applyMode: z.enum(["PROPOSE", "AUTO"]),
  team: ZRef,
  model: ZRef,
  gpuCount: z.number().int(),
  replicaCapacityRps: z.number(),
  minReplicas: z.number().int(),
  maxReplicas: z.number().int(),
  replanReason: z.string().nullable(),
  regions: z.array(z.looseObject({ region: z.string(), demandRps: z.number(), maxLatencyMs: z.number() })),
  replicas: z.array(z.looseObject({ id: z.string(), name: z.string(), state: ZWorkloadState })),
  current: ZServicePlanRecord.nullable(),
  proposal: ZServicePlanRecord.nullable(),
  geo: z
    .looseObject({
      regions: z.array(ZUserRegionPlace),
      sites: z.array(
        z.looseObject({
          id: z.string(),
          name: z.string(),
          kind: z.string(),
          latitude: z.number(),
          longitude: z.number(),
        }),
      ),
      regionsWithoutCoordinates: z.array(z.string()),
    })
    .meta({
      description:
        "For a coverage map: where the service's user regions and its plans' replica sites are; regions with no known coordinates are named in regionsWithoutCoordinates",
    }),
});

export const ZServiceApplyResult = z.object({
  planId: z.string(),
  kept: z.array(z.string()),
  created: z.array(z.object({ id: z.string(), siteId: z.string(), state: ZWorkloadState })),
  cancelled: z.array(z.string()),
  shortfalls: z.array(z.object({ siteId: z.string(), reason: z.string() })).meta({
    description:
      "Always empty: a plan applies all or nothing; a replica that cannot start at its site fails the whole apply with 409 and nothing is changed",
  }),
});

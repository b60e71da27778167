import { type TCsvColumn, toCsv } from "../lib/csv.ts";
import type { TWorkloadEvidence } from "./evidence.ts";

/** One fact of the evidence record; every section fills the columns that apply to it. */
type TFact = {
  section:
    | "workload"
    | "dataset"
    | "event"
    | "decision"
    | "allocation"
    | "transfer"
    | "approval"
    | "approval_step"
    | "approval_decision"
    | "audit"
    | "audit_verification";
  time?: Date | null;
  endTime?: Date | null;
  subject: string;
  status?: string | null;
  actor?: string | null;
  site?: string | null;
  jurisdiction?: string | null;
  policy?: string | null;
  gpus?: number | null;
  bytes?: string | null;
  usd?: number | null;
  detail?: string;
};

/** Stable columns: tools that load several exports rely on their names and order. */
const COLUMNS: TCsvColumn<TFact>[] = [
  { header: "section", value: (f) => f.section },
  { header: "time", value: (f) => f.time?.toISOString() },
  { header: "end_time", value: (f) => f.endTime?.toISOString() },
  { header: "subject", value: (f) => f.subject },
  { header: "status", value: (f) => f.status },
  { header: "actor", value: (f) => f.actor },
  { header: "site", value: (f) => f.site },
  { header: "jurisdiction", value: (f) => f.jurisdiction },
  { header: "policy", value: (f) => f.policy },
  { header: "gpus", value: (f) => f.gpus },
  { header: "bytes", value: (f) => f.bytes },
  { header: "usd", value: (f) => f.usd },
  { header: "detail", value: (f) => f.detail },
];

const list = (values: string[]) => values.join("; ");
const details = (parts: (string | false | null | undefined)[]) =>
  parts.filter((p): p is string => Boolean(p)).join("; ");

/** The evidence record as CSV: one row per fact, in the order of the JSON record's sections. */
export function evidenceToCsv(evidence: TWorkloadEvidence): string {
  const w = evidence.workload;
  const facts: TFact[] = [
    {
      section: "workload",
      time: w.createdAt,
      endTime: w.finishedAt,
      subject: w.name,
      status: w.state,
      actor: w.submittedBy.email,
      site: w.site?.slug,
      jurisdiction: w.site?.jurisdiction,
      gpus: w.gpu.count,
      detail: details([
        `id ${w.id}`,
        `kind ${w.kind}`,
        `team ${w.team.slug}`,
        w.gpu.gangNodes ? `gang ${w.gpu.gangNodes} x ${w.gpu.gpusPerNode}` : null,
        w.gpu.models.length > 0 && `GPU models ${w.gpu.models.join("/")}`,
        w.startedAt && `started ${w.startedAt.toISOString()}`,
        w.stateReason,
      ]),
    },
    ...evidence.datasets.map(
      (d): TFact => ({
        section: "dataset",
        subject: d.slug,
        status: d.classification,
        detail: details([
          d.regulations.length > 0 && `regulations ${list(d.regulations)}`,
          d.residencyCountries.length > 0 && `countries ${list(d.residencyCountries)}`,
          d.residencyJurisdictions.length > 0 && `jurisdictions ${list(d.residencyJurisdictions)}`,
          d.onPremOnly && "on-prem only",
          d.stewards.length > 0 && `stewards ${list(d.stewards)}`,
        ]),
      }),
    ),
    ...evidence.timeline.map(
      (e): TFact => ({
        section: "event",
        time: e.at,
        subject: `${e.from ?? "-"} -> ${e.to}`,
        status: e.to,
        actor: e.actor,
        detail: e.reason,
      }),
    ),
    ...evidence.decisions.map(
      (d): TFact => ({
        section: "decision",
        time: d.createdAt,
        endTime: d.decidedAt,
        subject: d.id,
        status: d.status,
        actor: d.decidedBy,
        site: (d.chosenSite ?? d.recommendedSite)?.slug,
        jurisdiction: (d.chosenSite ?? d.recommendedSite)?.jurisdiction,
        policy: d.policyVersion === null ? null : `governance v${d.policyVersion}`,
        usd: d.estimatedCostUsd,
        detail: details([
          `engine ${d.engineVersion}`,
          `profile ${d.profile}`,
          d.feasible ? "feasible" : "infeasible",
          d.recommendedSite && `recommended ${d.recommendedSite.slug}`,
          d.chosenSite && `chosen ${d.chosenSite.slug} (${d.chosenSite.country})`,
          d.overrideReason && `override: ${d.overrideReason}`,
          d.summary,
        ]),
      }),
    ),
    ...evidence.allocations.map(
      (a): TFact => ({
        section: "allocation",
        time: a.from,
        endTime: a.to,
        subject: a.node.hostname,
        status: a.status,
        site: a.site.slug,
        jurisdiction: a.site.jurisdiction,
        gpus: a.gpus,
        detail: details([a.gpuModel, `country ${a.site.country}`]),
      }),
    ),
    ...evidence.transfers.map(
      (t): TFact => ({
        section: "transfer",
        time: t.createdAt,
        endTime: t.completedAt,
        subject: t.dataset.slug,
        status: t.status,
        site: `${t.source.slug} -> ${t.destination.slug}`,
        jurisdiction: `${t.source.jurisdiction} -> ${t.destination.jurisdiction}`,
        bytes: t.bytes,
        usd: t.costUsd,
        detail: details([
          t.crossesJurisdiction && "crosses a jurisdiction border",
          `${t.source.country} -> ${t.destination.country}`,
          t.startedAt && `started ${t.startedAt.toISOString()}`,
        ]),
      }),
    ),
    ...evidence.approvals.flatMap((a): TFact[] => [
      {
        section: "approval",
        time: a.createdAt,
        endTime: a.decidedAt,
        subject: a.id,
        status: a.status,
        actor: a.requestedBy,
        site: a.site?.slug,
        jurisdiction: a.site?.jurisdiction,
        usd: a.estimatedCostUsd,
        detail: details([a.kind, a.summary, `expires ${a.expiresAt.toISOString()}`, a.overrideReason]),
      },
      ...a.steps.flatMap((s): TFact[] => {
        const policy = `${s.policy.key} v${s.policy.version} (${s.policy.kind})`;
        return [
          {
            section: "approval_step",
            time: a.createdAt,
            subject: `${a.id} step ${s.order}`,
            status: s.status,
            policy,
            detail: details([
              `approvers ${s.approvers.length > 0 ? list(s.approvers) : s.approverKind}`,
              `needs ${s.requiredApprovals}`,
              s.dataset && `dataset ${s.dataset}`,
              s.reason,
            ]),
          },
          ...s.decisions.map(
            (v): TFact => ({
              section: "approval_decision",
              time: v.at,
              subject: `${a.id} step ${s.order}`,
              status: v.verdict,
              actor: v.decider,
              policy,
              detail: v.comment ?? "",
            }),
          ),
        ];
      }),
    ]),
    ...evidence.audit.events.map(
      (e): TFact => ({
        section: "audit",
        time: e.at,
        subject: `${e.objectType} ${e.objectId}`,
        status: e.action,
        actor: e.actor,
        detail: `seq ${e.seq}; hash ${e.hash}`,
      }),
    ),
    {
      section: "audit_verification",
      time: evidence.generatedAt,
      subject: `${evidence.audit.verification.checked} events`,
      status: evidence.audit.verification.ok ? "INTACT" : "BROKEN",
      actor: evidence.generatedBy,
      detail: details([
        evidence.audit.verification.scope,
        ...evidence.audit.verification.broken.map((b) => `seq ${b.seq}: ${b.reason}`),
      ]),
    },
  ];
  return toCsv(COLUMNS, facts);
}

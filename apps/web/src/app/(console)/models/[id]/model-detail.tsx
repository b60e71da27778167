"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { KindBadge, StatusBadge } from "~/components/badges";
import { ClassificationBadge, RegulationBadges, residencyLabel } from "~/components/dataset/dataset-badges";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { SuccessNote } from "~/components/form/form-field";
import { PageHeader } from "~/components/page-header";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatBytes } from "~/lib/format-size";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { AddReplicaForm } from "../../datasets/[id]/add-replica-form";
import { DeclassifyForm } from "./declassify-form";

type TModel = RouterOutputs["model"]["byId"];
type TReplica = TModel["replicas"][number];
type TRules = Pick<
  TModel,
  "classification" | "regulations" | "residencyCountries" | "residencyJurisdictions" | "onPremOnly"
>;

const REPLICA_COLUMNS: TColumn<TReplica>[] = [
  {
    id: "site",
    header: "Site",
    cell: (r) => (
      <Link href={`/sites/${r.site.id}`} className="font-medium hover:underline">
        {r.site.name}
      </Link>
    ),
  },
  { id: "kind", header: "Environment", cell: (r) => <KindBadge kind={r.site.kind} /> },
  {
    id: "country",
    header: "Country",
    cell: (r) => (
      <>
        {r.site.country} <span className="text-xs text-muted">({r.site.jurisdiction})</span>
      </>
    ),
  },
  { id: "status", header: "Copy", cell: (r) => <StatusBadge status={r.status} /> },
];

function Fact({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

const sourceHref = (s: { id: string; kind: string }) =>
  s.kind === "MODEL" ? `/models/${s.id}` : `/datasets/${s.id}`;
const names = (list: string[]) => (list.length === 0 ? "–" : list.join(", "));

/** Each rule: what the model carries now, what its inputs give it, and which inputs those are. */
function RulesTable({ now, inherited }: { now: TRules; inherited: TModel["inherited"] }) {
  const rows = [
    {
      rule: "Classification",
      now: <ClassificationBadge classification={now.classification} />,
      inherited: <ClassificationBadge classification={inherited.classification} />,
      from: names(inherited.from.classification),
    },
    {
      rule: "Regulations",
      now: <RegulationBadges regulations={now.regulations} />,
      inherited: <RegulationBadges regulations={inherited.regulations} />,
      from:
        Object.entries(inherited.from.regulations)
          .map(([r, from]) => `${r}: ${from.join(", ")}`)
          .join("; ") || "–",
    },
    {
      rule: "Residency",
      now: residencyLabel(now),
      inherited: residencyLabel(inherited),
      from: names(inherited.from.residency),
    },
    {
      rule: "On-prem only",
      now: now.onPremOnly ? "yes" : "no",
      inherited: inherited.onPremOnly ? "yes" : "no",
      from: names(inherited.from.onPremOnly),
    },
  ];
  return (
    <table className="w-full text-sm" data-testid="model-rules">
      <thead className="text-left text-xs text-muted">
        <tr>
          <th className="px-3 py-1.5 font-normal">Rule</th>
          <th className="px-3 py-1.5 font-normal">Carries now</th>
          <th className="px-3 py-1.5 font-normal">Inherited</th>
          <th className="px-3 py-1.5 font-normal">Inherited from</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.rule} className="border-t border-border">
            <th scope="row" className="px-3 py-1.5 text-left font-normal text-muted">
              {r.rule}
            </th>
            <td className="px-3 py-1.5">{r.now}</td>
            <td className="px-3 py-1.5">{r.inherited}</td>
            <td className="px-3 py-1.5 text-xs">{r.from}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Declassifications({ items }: { items: TModel["declassifications"] }) {
  if (items.length === 0) return <p className="px-3 py-2 text-sm text-muted">Never declassified.</p>;
  return (
    <ul className="divide-y divide-border" data-testid="declassifications">
      {items.map((d) => (
        <li key={d.id} className="px-3 py-2 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <StatusBadge status={d.request.status} />
            <span>
              to <ClassificationBadge classification={d.toClassification} />
            </span>
            <span className="text-xs text-muted">
              asked by {d.requestedBy.name} · {formatDateTime(d.createdAt)}
            </span>
            <Link href={`/approvals/${d.request.id}`} className="text-xs hover:underline">
              approval request
            </Link>
          </div>
          <p className="mt-1">{d.reason}</p>
          {d.request.steps.flatMap((s) =>
            s.decisions.map((v) => (
              <p key={`${s.order}-${v.decider.email}`} className="text-xs text-muted">
                {v.verdict === "APPROVE" ? "Approved" : "Rejected"} by {v.decider.name} ({s.reason})
                {v.comment ? `: ${v.comment}` : ""}
              </p>
            )),
          )}
        </li>
      ))}
    </ul>
  );
}

export function ModelDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.model.byId.queryOptions({ id }));
  const [notice, setNotice] = useState<string | null>(null);
  const back = { href: "/models", label: "All models" };
  if (!query.data)
    return <DetailPending back={back} what="model" error={query.isError ? query.error.message : undefined} />;
  const m = query.data;
  const pending = m.declassifications.some((d) => d.request.status === "PENDING");

  return (
    <>
      <BackLink {...back} />
      <PageHeader
        title={`${m.name} ${m.version ?? ""}`}
        description={m.description || undefined}
        actions={
          <span className="flex flex-wrap items-center gap-2">
            <ClassificationBadge classification={m.classification} />
            <RegulationBadges regulations={m.regulations} />
            {m.declassified ? <span className="text-xs text-muted">declassified</span> : null}
          </span>
        }
      />
      {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      <div className="grid gap-5 xl:grid-cols-[1fr_2fr]">
        <section aria-labelledby="model-lineage" className="rounded-lg border border-border bg-surface p-4">
          <h2 id="model-lineage" className="mb-3 text-sm font-semibold">
            Lineage
          </h2>
          <dl className="grid grid-cols-2 gap-3">
            <Fact label="Produced by">
              {m.producedBy ? (
                <Link
                  href={`/workloads/${m.producedBy.id}`}
                  className="hover:underline"
                  data-testid="produced-by"
                >
                  {m.producedBy.name}
                </Link>
              ) : (
                <span className="text-muted">a run of another team</span>
              )}
            </Fact>
            <Fact label="Produced at">
              {m.producedAt ? (
                <Link href={`/sites/${m.producedAt.id}`} className="hover:underline">
                  {m.producedAt.name}
                </Link>
              ) : (
                "–"
              )}
            </Fact>
            <Fact label="Trained on" className="col-span-2">
              <ul className="flex flex-col gap-0.5" data-testid="trained-on">
                {m.trainedOn.map((s) => (
                  <li key={s.id} className="flex flex-wrap items-center gap-1.5">
                    <Link href={sourceHref(s)} className="hover:underline">
                      {s.name}
                      {s.version ? ` ${s.version}` : ""}
                    </Link>
                    {s.kind === "MODEL" ? <span className="text-xs text-muted">parent model</span> : null}
                    <ClassificationBadge classification={s.classification} />
                    <RegulationBadges regulations={s.regulations} />
                  </li>
                ))}
                {m.trainedOn.length === 0 ? <li className="text-muted">No recorded inputs.</li> : null}
              </ul>
            </Fact>
            <Fact label="Fine-tuned into" className="col-span-2">
              {m.fineTunedInto.length === 0 ? (
                <span className="text-muted">No model was tuned from it yet.</span>
              ) : (
                <ul className="flex flex-col gap-0.5">
                  {m.fineTunedInto.map((c) => (
                    <li key={c.id}>
                      <Link href={`/models/${c.id}`} className="hover:underline">
                        {c.name} {c.version}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </Fact>
            <Fact label="Served by" className="col-span-2">
              {m.servedBy.length === 0 ? (
                <span className="text-muted">No service serves it.</span>
              ) : (
                <ul>
                  {m.servedBy.map((s) => (
                    <li key={s.id}>
                      <Link href={`/services/${s.id}`} className="hover:underline">
                        {s.name}
                      </Link>{" "}
                      <span className="text-xs text-muted">
                        {s.team.name} · {s.replicas} replica{s.replicas === 1 ? "" : "s"}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Fact>
            <Fact label="Size">{formatBytes(m.sizeBytes)}</Fact>
            <Fact label="Registered">{formatDateTime(m.createdAt)}</Fact>
            <Fact label="Owner team">
              <Link href={`/teams/${m.ownerTeam.id}`} className="hover:underline">
                {m.ownerTeam.name}
              </Link>
            </Fact>
            <Fact label="Stewards">
              {m.stewards.length === 0 ? (
                <span className="text-muted">None</span>
              ) : (
                m.stewards.map((s) => s.name).join(", ")
              )}
            </Fact>
          </dl>
        </section>

        <section className="flex flex-col gap-3">
          <div className="rounded-lg border border-border bg-surface">
            <h2 className="border-b border-border px-3 py-2 text-sm font-semibold">Rules it carries</h2>
            <RulesTable now={m} inherited={m.inherited} />
          </div>
          <div className="rounded-lg border border-border bg-surface">
            <h2 className="border-b border-border px-3 py-2 text-sm font-semibold">Declassification</h2>
            <Declassifications items={m.declassifications} />
          </div>
          {m.canRequestDeclassification && !pending ? (
            <DeclassifyForm
              modelId={m.id}
              onAsked={() => setNotice("Asked the stewards: the request waits in their approvals inbox.")}
            />
          ) : null}
          <div className="rounded-lg border border-border bg-surface">
            <h2 className="border-b border-border px-3 py-2 text-sm font-semibold">
              Copies <span className="font-normal text-muted">· {m.replicas.length}</span>
            </h2>
            <DataTable
              id="model-replicas"
              label="Copies"
              inset
              columns={REPLICA_COLUMNS}
              rows={m.replicas}
              rowTestId="replica-row"
              empty={{ title: "No copies." }}
            />
          </div>
          {m.canCopy ? (
            <AddReplicaForm
              datasetId={m.id}
              onAdded={(slug, waitsForApproval) => {
                void queryClient.invalidateQueries({ queryKey: trpc.model.pathKey() });
                setNotice(
                  waitsForApproval
                    ? `The copy to ${slug} waits for approval in Approvals; it is registered once approved.`
                    : `Copied to ${slug}.`,
                );
              }}
            />
          ) : null}
        </section>
      </div>
    </>
  );
}

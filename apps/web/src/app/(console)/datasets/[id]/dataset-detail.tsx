"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil } from "lucide-react";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { KindBadge, StatusBadge } from "~/components/badges";
import { ClassificationBadge, RegulationBadges, residencyLabel } from "~/components/dataset/dataset-badges";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { SuccessNote } from "~/components/form/form-field";
import { PageHeader } from "~/components/page-header";
import { actionsColumn, DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote } from "~/components/table/table-parts";
import { formatBytes } from "~/lib/format-size";
import { useTRPC } from "~/trpc/react";
import { AddReplicaForm } from "./add-replica-form";

type TReplica = RouterOutputs["dataset"]["byId"]["replicas"][number];

const REPLICA_COLUMNS: TColumn<TReplica>[] = [
  {
    id: "site",
    header: "Site",
    cell: (r) => (
      <>
        <Link href={`/sites/${r.site.id}`} className="font-medium hover:underline">
          {r.site.name}
        </Link>
        <div className="font-mono text-xs text-muted">{r.site.slug}</div>
      </>
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
  { id: "size", header: "Size", align: "number", cell: (r) => formatBytes(r.sizeBytes) },
  { id: "status", header: "Replica", cell: (r) => <StatusBadge status={r.status} /> },
];

/** Lineage from the data's side: the models trained on it (or, for a model, its own page). */
function TrainedModels({ dataset }: { dataset: { id: string; kind: string } }) {
  const trpc = useTRPC();
  const models = useQuery(
    trpc.model.list.queryOptions(
      { trainedOnId: dataset.id, pageSize: 20 },
      { enabled: dataset.kind === "DATASET" },
    ),
  );
  if (dataset.kind === "MODEL")
    return (
      <p className="rounded-lg border border-border bg-surface px-3 py-2 text-sm">
        This is a model artifact.{" "}
        <Link href={`/models/${dataset.id}`} className="font-medium hover:underline">
          See its lineage and the rules it inherited
        </Link>
      </p>
    );
  const rows = models.data?.rows ?? [];
  return (
    <div className="rounded-lg border border-border bg-surface" data-testid="trained-models">
      <h2 className="border-b border-border px-3 py-2 text-sm font-semibold">
        Models trained on it <span className="font-normal text-muted">· {models.data?.total ?? "…"}</span>
      </h2>
      {rows.length === 0 ? (
        <p className="px-3 py-2 text-sm text-muted">
          {models.isPending ? "Loading…" : "No model was trained on it."}
        </p>
      ) : (
        <ul className="divide-y divide-border text-sm">
          {rows.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-2 px-3 py-1.5">
              <Link href={`/models/${m.id}`} className="font-medium hover:underline">
                {m.name} {m.version}
              </Link>
              <ClassificationBadge classification={m.classification} />
              {m.declassified ? <span className="text-xs text-muted">declassified</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Fact({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

export function DatasetDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.dataset.byId.queryOptions({ id }));
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const remove = useMutation(
    trpc.dataset.removeReplica.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() }),
    }),
  );
  const back = { href: "/datasets", label: "All datasets" };
  if (!query.data)
    return (
      <DetailPending back={back} what="dataset" error={query.isError ? query.error.message : undefined} />
    );

  const d = query.data;
  const removeAt = (siteId: string, siteSlug: string) => {
    setNotice(null);
    remove.mutate(
      { datasetId: d.id, siteId },
      {
        onSuccess: () => setNotice(`Removed the replica at ${siteSlug}.`),
        onSettled: () => setConfirming(null),
      },
    );
  };
  const removeColumn = actionsColumn<TReplica>((r) =>
    confirming === r.site.id ? (
      <span className="inline-flex items-center gap-1.5">
        <button
          type="button"
          disabled={remove.isPending}
          onClick={() => removeAt(r.site.id, r.site.slug)}
          className="rounded-md border border-status-bad/50 px-2 py-0.5 text-xs text-status-bad hover:bg-status-bad/10"
        >
          Remove replica
        </button>
        <button
          type="button"
          onClick={() => setConfirming(null)}
          className="rounded-md px-2 py-0.5 text-xs text-muted hover:text-foreground"
        >
          Keep
        </button>
      </span>
    ) : (
      <button
        type="button"
        aria-label={`Remove the replica at ${r.site.slug}`}
        onClick={() => {
          remove.reset();
          setConfirming(r.site.id);
        }}
        className="rounded-md border border-border px-2 py-0.5 text-xs hover:bg-foreground/5"
      >
        Remove
      </button>
    ),
  );

  return (
    <>
      <BackLink {...back} />
      <PageHeader
        title={d.name}
        description={d.description || undefined}
        actions={
          <span className="flex flex-wrap items-center gap-2">
            <ClassificationBadge classification={d.classification} />
            <RegulationBadges regulations={d.regulations} />
            {d.canEdit && d.kind === "DATASET" ? (
              <Link
                href={`/datasets/${encodeURIComponent(d.id)}/edit`}
                className="inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-3 py-1.5 text-sm hover:bg-foreground/5"
              >
                <Pencil className="size-4" aria-hidden />
                Edit
              </Link>
            ) : null}
          </span>
        }
      />
      <div className="grid gap-5 xl:grid-cols-[1fr_2fr]">
        <section aria-labelledby="dataset-facts" className="rounded-lg border border-border bg-surface p-4">
          <h2 id="dataset-facts" className="mb-3 text-sm font-semibold">
            Dataset
          </h2>
          <dl className="grid grid-cols-2 gap-3">
            <Fact label="Slug">
              <span className="font-mono text-xs">{d.slug}</span>
            </Fact>
            <Fact label="Size">{formatBytes(d.sizeBytes)}</Fact>
            <Fact label="Residency">
              <span data-testid="residency">{residencyLabel(d)}</span>
            </Fact>
            <Fact label="Owner team">
              <Link href={`/teams/${d.ownerTeam.id}`} className="hover:underline">
                {d.ownerTeam.name}
              </Link>
            </Fact>
            <Fact label="Stewards" className="col-span-2">
              {d.stewards.length === 0 ? (
                <span className="text-muted">None: only admins and platform engineers change it.</span>
              ) : (
                <ul className="flex flex-col gap-0.5" data-testid="stewards">
                  {d.stewards.map((s) => (
                    <li key={s.id}>
                      {s.name} <span className="text-xs text-muted">{s.email}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Fact>
          </dl>
          {!d.canEdit ? (
            <p className="mt-4 border-t border-border pt-3 text-xs text-muted">
              Admins, platform engineers and this dataset's stewards change its replicas; you can read it.
            </p>
          ) : null}
        </section>

        <section aria-labelledby="dataset-replicas" className="flex flex-col gap-3">
          <TrainedModels dataset={d} />
          <div className="rounded-lg border border-border bg-surface">
            <h2 id="dataset-replicas" className="border-b border-border px-3 py-2 text-sm font-semibold">
              Replicas <span className="font-normal text-muted">· {d.replicas.length}</span>
            </h2>
            <DataTable
              id="dataset-replicas"
              testId="replicas"
              label="Replicas"
              inset
              columns={d.canEdit ? [...REPLICA_COLUMNS, removeColumn] : REPLICA_COLUMNS}
              rows={d.replicas}
              rowTestId="replica-row"
              empty={{ title: "No replicas yet." }}
            />
          </div>
          {remove.error ? <ErrorNote message={remove.error.message} /> : null}
          {notice ? <SuccessNote>{notice}</SuccessNote> : null}
          {d.canEdit ? (
            <AddReplicaForm
              datasetId={d.id}
              onAdded={(slug, waitsForApproval) =>
                setNotice(
                  waitsForApproval
                    ? `The copy to ${slug} crosses a border: it waits for approval in Approvals and is registered once approved.`
                    : `Added a replica at ${slug}.`,
                )
              }
            />
          ) : null}
        </section>
      </div>
    </>
  );
}

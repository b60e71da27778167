"use client";

import { useQuery } from "@tanstack/react-query";
import { DatasetForm } from "~/components/dataset/dataset-form";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { PageHeader } from "~/components/page-header";
import { useTRPC } from "~/trpc/react";

/** The dataset form filled with the dataset; only those who may change it see the form. */
export function DatasetEdit({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.dataset.byId.queryOptions({ id }));
  const back = { href: `/datasets/${encodeURIComponent(id)}`, label: "Back to the dataset" };
  if (!query.data)
    return (
      <DetailPending back={back} what="dataset" error={query.isError ? query.error.message : undefined} />
    );
  const d = query.data;
  return (
    <>
      <BackLink {...back} />
      <PageHeader title={`Edit ${d.name}`} description={d.slug} />
      {d.canEdit ? (
        <DatasetForm dataset={d} />
      ) : (
        <p className="text-sm text-muted" data-testid="not-editable">
          Only this dataset's stewards, admins and platform engineers change it.
        </p>
      )}
    </>
  );
}

import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { DatasetsTable } from "./datasets-table";

export const metadata: Metadata = { title: "Datasets" };

export default function DatasetsPage() {
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Classification, regulations, residency rules, owners and where copies live."
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading datasets…</p>}>
        <DatasetsTable />
      </Suspense>
    </>
  );
}

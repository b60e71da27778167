import { Database } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Datasets" };

export default function DatasetsPage() {
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Classification, regulations, residency rules, replicas per site, owners and stewards."
      />
      <EmptyState icon={Database} title="Not available yet">
        The dataset catalogue arrives with the estate inventory work. The datasets already in the database are
        counted on the Overview.
      </EmptyState>
    </>
  );
}

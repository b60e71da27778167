import { Users } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Teams" };

export default function TeamsPage() {
  return (
    <>
      <PageHeader
        title="Teams and quotas"
        description="Members and roles, GPU quotas per GPU class with guaranteed and limit, and current use."
      />
      <EmptyState icon={Users} title="Not available yet">
        Team and quota management arrives with the estate inventory work.
      </EmptyState>
    </>
  );
}

import { Boxes } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Workloads" };

export default function WorkloadsPage() {
  return (
    <>
      <PageHeader
        title="Workloads"
        description="Every job from submission to completion: state, site, GPUs, cost and its placement decision."
      />
      <EmptyState icon={Boxes} title="Not available yet">
        The workload list and lifecycle tracking arrive with the workloads work. Workloads already in the
        database are counted by state on the Overview.
      </EmptyState>
    </>
  );
}

import { Boxes } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Submit a workload" };

export default function NewWorkloadPage() {
  return (
    <>
      <PageHeader
        title="Submit a workload"
        description="Training, fine-tuning or inference, with a live placement preview."
      />
      <EmptyState icon={Boxes} title="Not available yet">
        Submitting workloads, with a live preview of where the placement engine would run them and why,
        arrives with the workloads work.
      </EmptyState>
    </>
  );
}

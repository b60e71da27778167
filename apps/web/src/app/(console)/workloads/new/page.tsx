import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { SubmitWorkloadForm } from "~/components/workload/submit-form";

export const metadata: Metadata = { title: "Submit a workload" };

export default function NewWorkloadPage() {
  return (
    <>
      <PageHeader
        title="Submit a workload"
        description="Training, fine-tuning or inference; the preview shows where the placement engine would run it and why."
      />
      <SubmitWorkloadForm />
    </>
  );
}

import { submitAnyRefusal } from "@switchyard/api/rules";
import { Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";
import { SubmitWorkloadForm } from "~/components/workload/submit-form";
import { getActor } from "~/server/actor";

export const metadata: Metadata = { title: "Submit a workload" };

export default async function NewWorkloadPage() {
  const refusal = submitAnyRefusal(await getActor());
  return (
    <>
      <PageHeader
        title="Submit a workload"
        description="Training, fine-tuning or inference; the preview shows where the placement engine would run it and why."
      />
      {refusal ? (
        <div data-testid="submit-refused">
          <EmptyState icon={Lock} title="You cannot submit workloads">
            <p>{refusal}</p>
            <p className="mt-2">
              Admins, platform engineers and the ML engineers of a team submit its workloads.{" "}
              <Link href="/workloads" className="text-accent hover:underline">
                Back to workloads
              </Link>
            </p>
          </EmptyState>
        </div>
      ) : (
        <SubmitWorkloadForm />
      )}
    </>
  );
}

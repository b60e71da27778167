import { submitAnyRefusal } from "@switchyard/api/rules";
import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { DisabledControl } from "~/components/disabled-reason";
import { PageHeader } from "~/components/page-header";
import { getActor } from "~/server/actor";
import { WorkloadsTable } from "./workloads-table";

export const metadata: Metadata = { title: "Workloads" };

const SUBMIT_CLASS =
  "inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent";

export default async function WorkloadsPage() {
  const refusal = submitAnyRefusal(await getActor());
  return (
    <>
      <PageHeader
        title="Workloads"
        description="Every job from submission to completion: state, site, GPUs and its placement decision."
        actions={
          refusal ? (
            <DisabledControl id="submit-workload-reason" reason={refusal} className={SUBMIT_CLASS}>
              <Plus className="size-4" aria-hidden />
              Submit workload
            </DisabledControl>
          ) : (
            <Link href="/workloads/new" className={SUBMIT_CLASS}>
              <Plus className="size-4" aria-hidden />
              Submit workload
            </Link>
          )
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading workloads…</p>}>
        <WorkloadsTable />
      </Suspense>
    </>
  );
}

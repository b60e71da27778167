import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { WorkloadsTable } from "./workloads-table";

export const metadata: Metadata = { title: "Workloads" };

const SUBMITTERS = new Set(["ADMIN", "PLATFORM_ENGINEER", "ML_ENGINEER"]);

export default async function WorkloadsPage() {
  const user = await getSessionUser();
  return (
    <>
      <PageHeader
        title="Workloads"
        description="Every job from submission to completion: state, site, GPUs and its placement decision."
        actions={
          user && SUBMITTERS.has(user.role) ? (
            <Link
              href="/workloads/new"
              className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white"
            >
              <Plus className="size-4" aria-hidden />
              Submit workload
            </Link>
          ) : null
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading workloads…</p>}>
        <WorkloadsTable />
      </Suspense>
    </>
  );
}

import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { TeamsTable } from "./teams-table";

export const metadata: Metadata = { title: "Teams" };

export default function TeamsPage() {
  return (
    <>
      <PageHeader
        title="Teams and quotas"
        description="Members, and GPU quotas per GPU model (guaranteed and limit) against what each team holds now."
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading teams…</p>}>
        <TeamsTable />
      </Suspense>
    </>
  );
}

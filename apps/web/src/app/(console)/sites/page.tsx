import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { SitesTable } from "./sites-table";

export const metadata: Metadata = { title: "Sites" };

export default function SitesPage() {
  return (
    <>
      <PageHeader title="Sites" description="Data centers, cloud regions and edge locations in the estate." />
      <Suspense fallback={<p className="text-sm text-muted">Loading sites…</p>}>
        <SitesTable />
      </Suspense>
    </>
  );
}

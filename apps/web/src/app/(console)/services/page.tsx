import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { ServicesTable } from "./services-table";

export const metadata: Metadata = { title: "Services" };

export default function ServicesPage() {
  return (
    <>
      <PageHeader
        title="Services"
        description="Online inference services: replicas across sites chosen so that each user region's demand is served within its latency SLO at the least cost."
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading services…</p>}>
        <ServicesTable />
      </Suspense>
    </>
  );
}

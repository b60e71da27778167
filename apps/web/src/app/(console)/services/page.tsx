import { roleRefusal, SUBMITTER_ROLES } from "@switchyard/api/rules";
import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { DisabledControl } from "~/components/disabled-reason";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { ServicesTable } from "./services-table";

export const metadata: Metadata = { title: "Services" };

const ADD_CLASS =
  "inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent";

export default async function ServicesPage() {
  const user = await getSessionUser();
  const refusal = roleRefusal(user?.role, SUBMITTER_ROLES, "create services");
  return (
    <>
      <PageHeader
        title="Services"
        description="Online inference services: replicas across sites chosen so that each user region's demand is served within its latency SLO at the least cost."
        actions={
          refusal ? (
            <DisabledControl id="new-service-reason" reason={refusal} className={ADD_CLASS}>
              <Plus className="size-4" aria-hidden />
              New service
            </DisabledControl>
          ) : (
            <Link href="/services/new" className={ADD_CLASS}>
              <Plus className="size-4" aria-hidden />
              New service
            </Link>
          )
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading services…</p>}>
        <ServicesTable />
      </Suspense>
    </>
  );
}

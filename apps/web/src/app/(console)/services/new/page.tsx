import { roleRefusal, SUBMITTER_ROLES } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BackLink } from "~/components/detail-pending";
import { PageHeader } from "~/components/page-header";
import { ServiceForm } from "~/components/service/service-form";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "New service" };

export default async function NewServicePage() {
  const user = await getSessionUser();
  if (roleRefusal(user?.role, SUBMITTER_ROLES, "create services")) redirect("/services");
  return (
    <>
      <BackLink href="/services" label="All services" />
      <PageHeader
        title="New service"
        description="A model served to user regions: what one replica needs and serves, and each region's demand and latency SLO. It is planned at once; the plan waits for someone to apply it unless plans apply automatically."
      />
      <ServiceForm />
    </>
  );
}

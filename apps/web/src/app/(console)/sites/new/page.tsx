import { isEstateEditor } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "~/components/page-header";
import { SiteForm } from "~/components/site/site-form";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "New site" };

export default async function NewSitePage() {
  const user = await getSessionUser();
  if (!user || !isEstateEditor(user.role)) redirect("/sites");
  return (
    <>
      <PageHeader
        title="New site"
        description="A data center, cloud region or edge location that can run workloads."
      />
      <SiteForm />
    </>
  );
}

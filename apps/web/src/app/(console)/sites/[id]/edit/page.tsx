import { isEstateEditor } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "~/components/page-header";
import { SiteForm } from "~/components/site/site-form";
import { getSessionUser } from "~/server/auth";
import { getServerApi } from "~/server/trpc";

export const metadata: Metadata = { title: "Edit site" };

export default async function EditSitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await getSessionUser();
  if (!user || !isEstateEditor(user.role)) redirect(`/sites/${id}`);
  const site = await (await getServerApi()).site.byId({ id });
  return (
    <>
      <PageHeader title={`Edit ${site.name}`} />
      <SiteForm site={site} />
    </>
  );
}

import { isEstateEditor } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { CatalogImport } from "./catalog-import";

export const metadata: Metadata = { title: "Import price catalog" };

export default async function CatalogImportPage() {
  const user = await getSessionUser();
  if (!user || !isEstateEditor(user.role)) redirect("/sites");
  return (
    <>
      <PageHeader
        title="Import a cloud price catalog"
        description="A CSV with the columns provider, instance_type, accelerator_name, accelerator_count, gpu_memory_gib, price_per_hour, spot_price_per_hour, region (the SkyPilot catalog layout). You see what would change before anything is written; importing the same file again changes nothing."
      />
      <CatalogImport />
    </>
  );
}

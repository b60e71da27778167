import { isDatasetEditor } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { DatasetForm } from "~/components/dataset/dataset-form";
import { BackLink } from "~/components/detail-pending";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "Register a dataset" };

export default async function NewDatasetPage() {
  const user = await getSessionUser();
  if (!user || !isDatasetEditor(user.role)) redirect("/datasets");
  return (
    <>
      <BackLink href="/datasets" label="All datasets" />
      <PageHeader
        title="Register a dataset"
        description="Data that workloads read: its classification, where it may reside, who decides its approvals, and where copies are stored today."
      />
      <DatasetForm stewardId={user.role === "DATA_STEWARD" ? user.id : undefined} />
    </>
  );
}

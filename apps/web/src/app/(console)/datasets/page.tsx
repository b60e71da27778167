import { isDatasetEditor } from "@switchyard/api/rules";
import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { DatasetsTable } from "./datasets-table";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  const user = await getSessionUser();
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Classification, regulations, residency rules, owners and where copies live."
        actions={
          user && isDatasetEditor(user.role) ? (
            <Link
              href="/datasets/new"
              className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white"
            >
              <Plus className="size-4" aria-hidden />
              Register dataset
            </Link>
          ) : null
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading datasets…</p>}>
        <DatasetsTable />
      </Suspense>
    </>
  );
}

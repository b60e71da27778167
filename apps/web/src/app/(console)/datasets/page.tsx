import { DATASET_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { DisabledControl } from "~/components/disabled-reason";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { DatasetsTable } from "./datasets-table";

export const metadata: Metadata = { title: "Datasets" };

const ADD_CLASS =
  "inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent";

export default async function DatasetsPage() {
  const user = await getSessionUser();
  const refusal = roleRefusal(user?.role, DATASET_EDITOR_ROLES, "register datasets");
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Classification, regulations, residency rules, owners and where copies live."
        actions={
          refusal ? (
            <DisabledControl id="register-dataset-reason" reason={refusal} className={ADD_CLASS}>
              <Plus className="size-4" aria-hidden />
              Register dataset
            </DisabledControl>
          ) : (
            <Link href="/datasets/new" className={ADD_CLASS}>
              <Plus className="size-4" aria-hidden />
              Register dataset
            </Link>
          )
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading datasets…</p>}>
        <DatasetsTable />
      </Suspense>
    </>
  );
}

import { isEstateEditor } from "@switchyard/api/rules";
import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { NodesTable } from "./nodes-table";

export const metadata: Metadata = { title: "Nodes" };

export default async function NodesPage() {
  const user = await getSessionUser();
  const canEdit = isEstateEditor(user?.role);
  return (
    <>
      <PageHeader
        title="GPU nodes"
        description="Every GPU node across sites: status, free GPUs and last heartbeat. Select nodes to cordon, drain or uncordon them."
        actions={
          canEdit ? (
            <Link
              href="/nodes/new"
              className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90"
            >
              <Plus className="size-4" aria-hidden />
              Add node
            </Link>
          ) : null
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading nodes…</p>}>
        <NodesTable canEdit={canEdit} />
      </Suspense>
    </>
  );
}

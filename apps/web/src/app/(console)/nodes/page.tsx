import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { DisabledControl } from "~/components/disabled-reason";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { NodesTable } from "./nodes-table";

export const metadata: Metadata = { title: "Nodes" };

const ADD_CLASS =
  "inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent";

export default async function NodesPage() {
  const user = await getSessionUser();
  const refusal = roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "add, cordon or drain nodes");
  const canEdit = refusal === null;
  return (
    <>
      <PageHeader
        title="GPU nodes"
        description="Every GPU node across sites: status, free GPUs and last heartbeat. Select nodes to cordon, drain or uncordon them."
        actions={
          canEdit ? (
            <Link href="/nodes/new" className={`${ADD_CLASS} hover:bg-accent/90`}>
              <Plus className="size-4" aria-hidden />
              Add node
            </Link>
          ) : (
            <DisabledControl id="add-node-reason" reason={refusal} className={ADD_CLASS}>
              <Plus className="size-4" aria-hidden />
              Add node
            </DisabledControl>
          )
        }
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading nodes…</p>}>
        <NodesTable canEdit={canEdit} />
      </Suspense>
    </>
  );
}

import { Server } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Nodes" };

export default function NodesPage() {
  return (
    <>
      <PageHeader
        title="GPU nodes"
        description="Every GPU node across sites with its status, free GPUs and last heartbeat, with cordon, drain and bulk actions."
      />
      <EmptyState icon={Server} title="Not available yet">
        The node inventory table arrives with the estate inventory work. Until then, the Overview counts nodes
        by status and the Sites table shows nodes and GPUs per site.
      </EmptyState>
    </>
  );
}

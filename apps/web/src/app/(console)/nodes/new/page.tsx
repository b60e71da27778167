import { isEstateEditor } from "@switchyard/api/rules";
import { Server } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { getServerApi } from "~/server/trpc";
import { NodeForm } from "./node-form";

export const metadata: Metadata = { title: "Add node" };

export default async function NewNodePage({ searchParams }: { searchParams: Promise<{ siteId?: string }> }) {
  const user = await getSessionUser();
  const { siteId } = await searchParams;
  if (!isEstateEditor(user?.role)) {
    return (
      <>
        <PageHeader title="Add a GPU node" />
        <EmptyState icon={Server} title="Only admins and platform engineers add nodes">
          You are signed in as a {user?.role.replaceAll("_", " ").toLowerCase()}.{" "}
          <Link href="/nodes" className="underline">
            Back to the nodes
          </Link>
        </EmptyState>
      </>
    );
  }
  const options = await (await getServerApi()).node.options();
  return (
    <>
      <PageHeader
        title="Add a GPU node"
        description="Register a node at a site. It starts ready; its agent's heartbeats keep it that way."
      />
      <NodeForm sites={options.sites.filter((s) => s.status !== "DECOMMISSIONED")} defaultSiteId={siteId} />
    </>
  );
}

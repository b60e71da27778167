import { isEstateEditor } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { getSessionUser } from "~/server/auth";
import { NodeDetail } from "./node-detail";

export const metadata: Metadata = { title: "Node" };

export default async function NodePage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, getSessionUser()]);
  return <NodeDetail id={decodeURIComponent(id)} canEdit={isEstateEditor(user?.role)} />;
}

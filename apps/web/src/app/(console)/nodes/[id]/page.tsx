import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { getSessionUser } from "~/server/auth";
import { NodeDetail } from "./node-detail";

export const metadata: Metadata = { title: "Node" };

export default async function NodePage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, getSessionUser()]);
  return (
    <NodeDetail
      id={decodeURIComponent(id)}
      editRefusal={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "cordon, drain or uncordon nodes")}
    />
  );
}

import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { getSessionUser } from "~/server/auth";
import { TeamDetail } from "./team-detail";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, getSessionUser()]);
  return (
    <TeamDetail
      id={decodeURIComponent(id)}
      editRefusal={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "change team quotas")}
    />
  );
}

import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { getSessionUser } from "~/server/auth";
import { SiteGroupsPanel } from "./site-groups-panel";

export const metadata: Metadata = { title: "Fair sharing · Settings" };

export default async function FairShareSettingsPage() {
  const user = await getSessionUser();
  return <SiteGroupsPanel editRefusal={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "change site groups")} />;
}

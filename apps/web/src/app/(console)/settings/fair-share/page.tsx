import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { getSessionUser } from "~/server/auth";
import { GpuClassesPanel } from "./gpu-classes-panel";
import { SiteGroupsPanel } from "./site-groups-panel";

export const metadata: Metadata = { title: "Fair sharing · Settings" };

export default async function FairShareSettingsPage() {
  const user = await getSessionUser();
  return (
    <div className="flex flex-col gap-10">
      <SiteGroupsPanel editRefusal={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "change site groups")} />
      <GpuClassesPanel editRefusal={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "change GPU classes")} />
    </div>
  );
}

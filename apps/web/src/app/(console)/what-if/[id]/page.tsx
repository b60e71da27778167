import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { BackLink } from "~/components/detail-pending";
import { ScenarioDetail } from "~/components/what-if/scenario-detail";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "What-if scenario" };

export default async function ScenarioPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, getSessionUser()]);
  return (
    <>
      <BackLink href="/what-if" label="What-if" />
      <ScenarioDetail
        id={decodeURIComponent(id)}
        editRefusal={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "edit scenarios or plan drains")}
      />
    </>
  );
}

import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { ScenarioList } from "~/components/what-if/scenario-list";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "What-if" };

export default async function WhatIfPage() {
  const user = await getSessionUser();
  return (
    <>
      <PageHeader
        title="What-if"
        description="Drain or lose nodes, change a price, add capacity or change the policy, and see what the batch engine would move, fail to place or charge each team. Nothing in the estate changes."
      />
      <ScenarioList canSave={roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "save scenarios") === null} />
    </>
  );
}

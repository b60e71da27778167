import type { Metadata } from "next";
import { Suspense } from "react";
import { ApprovalsTable } from "~/components/approval/approvals-table";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const user = await getSessionUser();
  // Approvers land on what waits for them; everyone else on the requests they can follow.
  const defaultView = user?.role === "ML_ENGINEER" ? "mine" : user?.role === "VIEWER" ? "open" : "inbox";
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Placements that touch regulated data, cross a border, spend over a threshold or override the engine wait here for their approvers."
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading approval requests…</p>}>
        <ApprovalsTable defaultView={defaultView} />
      </Suspense>
    </>
  );
}

import { FileClock } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what to which object, with before and after, in a hash chain that can be verified."
      />
      <EmptyState icon={FileClock} title="Not available yet">
        The audit log viewer and chain verification arrive with the governance work. Events are already being
        recorded.
      </EmptyState>
    </>
  );
}

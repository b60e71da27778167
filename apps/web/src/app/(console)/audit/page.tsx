import { AUDIT_READER_ROLES, hasRole } from "@switchyard/api/rules";
import { FileClock } from "lucide-react";
import type { Metadata } from "next";
import { Suspense } from "react";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  const user = await getSessionUser();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what to which object, with before and after, in a hash chain that can be verified."
      />
      {hasRole(user?.role, AUDIT_READER_ROLES) ? (
        <Suspense fallback={<p className="text-sm text-muted">Loading the audit log…</p>}>
          <AuditLog />
        </Suspense>
      ) : (
        <EmptyState icon={FileClock} title="Not for your role">
          The audit log shows before-and-after snapshots of everything in the estate. Admins, platform
          engineers and data stewards can read it.
        </EmptyState>
      )}
    </>
  );
}

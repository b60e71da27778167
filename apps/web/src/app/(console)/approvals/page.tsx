import { ShieldCheck } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <>
      <PageHeader
        title="Approvals inbox"
        description="Requests waiting for you: workloads that read regulated data, cross-border copies, spend over a threshold."
      />
      <EmptyState icon={ShieldCheck} title="Not available yet">
        The approvals inbox arrives with the governance work. Policy rules are already stored, and nothing is
        waiting on this page yet.
      </EmptyState>
    </>
  );
}

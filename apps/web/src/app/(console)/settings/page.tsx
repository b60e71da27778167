import { Settings } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="API tokens for automation, webhooks and policy rules." />
      <EmptyState icon={Settings} title="Not available yet">
        API tokens, webhooks and policy editing arrive with the API and governance work.
      </EmptyState>
    </>
  );
}

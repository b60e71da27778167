import { isAdmin } from "@switchyard/api/rules";
import { Webhook } from "lucide-react";
import type { Metadata } from "next";
import { Suspense } from "react";
import { EmptyState } from "~/components/empty-state";
import { getSessionUser } from "~/server/auth";
import { DeliveryLog } from "./delivery-log";
import { WebhooksPanel } from "./webhooks-panel";

export const metadata: Metadata = { title: "Webhooks · Settings" };

export default async function WebhooksSettingsPage() {
  const user = await getSessionUser();
  if (!isAdmin(user?.role)) {
    return (
      <EmptyState icon={Webhook} title="Webhooks are managed by admins">
        Webhooks hold signing secrets and send approval requests, decisions and workload changes to systems
        outside Switchyard, so only admins can see and change them. Ask an admin to add the URL you need.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-8">
      <WebhooksPanel />
      <Suspense fallback={<p className="text-sm text-muted">Loading the delivery log…</p>}>
        <DeliveryLog />
      </Suspense>
    </div>
  );
}

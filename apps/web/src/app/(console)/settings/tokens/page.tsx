import { isAdmin } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { getSessionUser } from "~/server/auth";
import { ServiceAccountsPanel } from "./service-accounts-panel";
import { TokensPanel } from "./tokens-panel";

export const metadata: Metadata = { title: "API tokens · Settings" };

export default async function TokensSettingsPage() {
  const user = await getSessionUser();
  const isAdminUser = isAdmin(user?.role);
  return (
    <div className="flex flex-col gap-8">
      <TokensPanel isAdmin={isAdminUser} />
      {isAdminUser ? <ServiceAccountsPanel /> : null}
    </div>
  );
}

import { isAdmin } from "@switchyard/api/rules";
import { Users } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "~/components/empty-state";
import { getSessionUser } from "~/server/auth";
import { PeoplePanel } from "./people-panel";

export const metadata: Metadata = { title: "People · Settings" };

export default async function PeopleSettingsPage() {
  const user = await getSessionUser();
  if (!user || !isAdmin(user.role)) {
    return (
      <EmptyState icon={Users} title="People are managed by admins">
        Admins add people, choose their role and teams, and disable accounts. Ask an admin if your role or
        teams are not what your work needs.
      </EmptyState>
    );
  }
  return <PeoplePanel currentUserId={user.id} />;
}

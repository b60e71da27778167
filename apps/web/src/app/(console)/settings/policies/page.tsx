import { isAdmin } from "@switchyard/api/rules";
import type { Metadata } from "next";
import { PolicyList } from "~/components/policy/policy-list";
import { getSessionUser } from "~/server/auth";

export const metadata: Metadata = { title: "Policy rules" };

export default async function PoliciesPage() {
  const user = await getSessionUser();
  // The procedures refuse writes by anyone else; this only decides whether to offer them.
  return <PolicyList canEdit={isAdmin(user?.role)} />;
}

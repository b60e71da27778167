import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import { Plus, Upload } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { DisabledControl } from "~/components/disabled-reason";
import { PageHeader } from "~/components/page-header";
import { getSessionUser } from "~/server/auth";
import { SitesTable } from "./sites-table";

export const metadata: Metadata = { title: "Sites" };

const NEW_CLASS =
  "inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent";

export default async function SitesPage() {
  const user = await getSessionUser();
  const refusal = roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "add sites or import a catalog");
  const actions =
    refusal === null ? (
      <div className="flex gap-2">
        <Link
          href="/sites/import"
          className="inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-3 py-1.5 text-sm hover:bg-foreground/5"
        >
          <Upload className="size-4" aria-hidden />
          Import catalog
        </Link>
        <Link href="/sites/new" className={NEW_CLASS}>
          <Plus className="size-4" aria-hidden />
          New site
        </Link>
      </div>
    ) : (
      <DisabledControl id="new-site-reason" reason={refusal} className={NEW_CLASS}>
        <Plus className="size-4" aria-hidden />
        New site
      </DisabledControl>
    );
  return (
    <>
      <PageHeader
        title="Sites"
        description="Data centers, cloud regions and edge locations in the estate."
        actions={actions}
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading sites…</p>}>
        <SitesTable />
      </Suspense>
    </>
  );
}

import type { ReactNode } from "react";
import { PageHeader } from "~/components/page-header";
import { SettingsTabs } from "./settings-tabs";

/** The Settings section: one heading and a tab per area; each tab's page brings its own content. */
export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader
        title="Settings"
        description="Policy rules that decide what needs approval, webhooks that tell other systems what happened, API tokens for automation, and the people who sign in."
      />
      <SettingsTabs />
      {children}
    </>
  );
}

import { redirect } from "next/navigation";

/** Settings has no page of its own: it opens on its first tab. */
export default function SettingsPage() {
  redirect("/settings/policies");
}

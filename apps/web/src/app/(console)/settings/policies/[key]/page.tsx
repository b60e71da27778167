import type { Metadata } from "next";
import { PolicyHistory } from "~/components/policy/policy-history";

export const metadata: Metadata = { title: "Policy rule history" };

export default async function PolicyHistoryPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <PolicyHistory policyKey={decodeURIComponent(key)} />;
}

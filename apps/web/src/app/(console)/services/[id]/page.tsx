import type { Metadata } from "next";
import { ServiceDetail } from "./service-detail";

export const metadata: Metadata = { title: "Service" };

export default async function ServicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ServiceDetail id={decodeURIComponent(id)} />;
}

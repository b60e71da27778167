import type { Metadata } from "next";
import { ModelDetail } from "./model-detail";

export const metadata: Metadata = { title: "Model" };

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ModelDetail id={decodeURIComponent(id)} />;
}

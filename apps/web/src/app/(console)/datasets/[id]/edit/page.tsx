import type { Metadata } from "next";
import { DatasetEdit } from "./dataset-edit";

export const metadata: Metadata = { title: "Edit dataset" };

export default async function EditDatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DatasetEdit id={decodeURIComponent(id)} />;
}

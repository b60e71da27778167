import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { ApiReference } from "./api-reference";

export const metadata: Metadata = { title: "API reference" };

export default function ApiReferencePage() {
  return (
    <>
      <PageHeader
        title="API reference"
        description="REST under /api/v1 with an API token (Settings → API tokens). The OpenAPI 3.1 document is at /api/v1/openapi.json."
      />
      <ApiReference />
    </>
  );
}

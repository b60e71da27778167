import { FileDown } from "lucide-react";

/** Downloads of the workload's evidence record; the route applies the same visibility as the page. */
export function EvidenceLinks({ workloadId }: { workloadId: string }) {
  const href = (format: "json" | "csv") =>
    `/api/workloads/${encodeURIComponent(workloadId)}/evidence?format=${format}`;
  return (
    <p className="flex items-center gap-2 text-sm" data-testid="evidence-links">
      <FileDown className="size-3.5 text-muted" aria-hidden />
      <span className="text-muted">Evidence:</span>
      {(["json", "csv"] as const).map((format) => (
        <a
          key={format}
          href={href(format)}
          download
          className="text-accent hover:underline"
          aria-label={`Download evidence as ${format.toUpperCase()}`}
        >
          {format.toUpperCase()}
        </a>
      ))}
    </p>
  );
}

import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { ErrorNote, SkeletonRows } from "~/components/table/table-parts";

export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <Link
      href={href}
      className="mb-3 inline-flex items-center gap-1 text-sm text-muted hover:text-foreground"
    >
      <ArrowLeft className="size-3.5" aria-hidden /> {label}
    </Link>
  );
}

/** A detail page before its data is there: the way back, then the error or a skeleton. */
export function DetailPending({
  back,
  what,
  error,
}: {
  back: { href: string; label: string };
  what: string;
  error?: string;
}) {
  if (error) {
    return (
      <>
        <BackLink {...back} />
        <ErrorNote message={error} />
      </>
    );
  }
  return (
    <div role="status" aria-busy="true" aria-label={`Loading ${what}`}>
      <BackLink {...back} />
      <div className="mb-5 h-6 w-72 animate-pulse rounded bg-foreground/10" />
      <table className="w-full">
        <tbody>
          <SkeletonRows columns={1} rows={6} />
        </tbody>
      </table>
    </div>
  );
}

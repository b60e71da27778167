"use client";

export default function ConsoleError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div role="status" className="rounded-lg border border-status-bad/40 bg-status-bad/5 p-6">
      <h2 className="font-semibold text-status-bad">This page could not be loaded</h2>
      <p className="mt-1 text-sm text-muted">
        {error.digest ? `Error reference ${error.digest}.` : error.message}
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-3 rounded-md border border-border px-3 py-1.5 text-sm"
      >
        Try again
      </button>
    </div>
  );
}

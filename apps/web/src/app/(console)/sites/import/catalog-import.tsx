"use client";

import type { RouterOutputs } from "@switchyard/api";
import { MAX_CATALOG_BYTES } from "@switchyard/api/schemas";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type ChangeEvent, useState } from "react";
import { formatInt, formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TPlan = RouterOutputs["catalog"]["preview"];
type TStage = "idle" | "reading" | "previewing" | "previewed" | "importing" | "imported";

const STAGE_LABEL: Record<TStage, string> = {
  idle: "Choose a file",
  reading: "Reading the file…",
  previewing: "Checking every row (dry run)…",
  previewed: "Preview ready: nothing written yet",
  importing: "Importing in one transaction…",
  imported: "Imported",
};

export function CatalogImport() {
  const trpc = useTRPC();
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [stage, setStage] = useState<TStage>("idle");
  const [readPercent, setReadPercent] = useState(0);
  const [plan, setPlan] = useState<TPlan | null>(null);
  const [error, setError] = useState<string | null>(null);

  const preview = useMutation(
    trpc.catalog.preview.mutationOptions({
      onSuccess: (result) => {
        setPlan(result);
        setStage("previewed");
      },
      onError: (e) => {
        setError(e.message);
        setStage("idle");
      },
    }),
  );
  const commit = useMutation(
    trpc.catalog.import.mutationOptions({
      onSuccess: (result) => {
        setPlan(result);
        setStage("imported");
      },
      onError: (e) => {
        setError(e.message);
        setStage("previewed");
      },
    }),
  );

  function onFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    setPlan(null);
    setError(null);
    if (!chosen) return;
    if (chosen.size > MAX_CATALOG_BYTES) {
      setError(`${chosen.name} is ${formatInt(Math.round(chosen.size / 1024))} KiB; the limit is 5 MB.`);
      return;
    }
    const reader = new FileReader();
    setStage("reading");
    reader.onprogress = (e) => e.lengthComputable && setReadPercent(Math.round((e.loaded / e.total) * 100));
    reader.onerror = () => {
      setError(`Could not read ${chosen.name}.`);
      setStage("idle");
    };
    reader.onload = () => {
      const csv = String(reader.result ?? "");
      setReadPercent(100);
      setFile({ name: chosen.name, csv });
      setStage("previewing");
      preview.mutate({ csv, fileName: chosen.name });
    };
    reader.readAsText(chosen);
  }

  const changes = plan
    ? plan.summary.sitesToCreate + plan.summary.pricesToCreate + plan.summary.pricesToUpdate
    : 0;
  const stepIndex = ["reading", "previewing", "previewed", "importing", "imported"].indexOf(stage) + 1;

  return (
    <div className="flex max-w-5xl flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-border bg-surface p-4">
        <label className="text-sm">
          <span className="sr-only">Catalog CSV file</span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={onFile}
            aria-label="Catalog CSV file"
            className="text-sm"
          />
        </label>
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <div className="flex justify-between text-xs text-muted">
            <span data-testid="import-stage">{STAGE_LABEL[stage]}</span>
            {stage === "reading" ? <span>{readPercent}%</span> : null}
          </div>
          <div
            className="h-1.5 overflow-hidden rounded bg-foreground/10"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={5}
            aria-valuenow={stepIndex}
            aria-label="Import progress"
          >
            <div className="h-full bg-accent transition-all" style={{ width: `${(stepIndex / 5) * 100}%` }} />
          </div>
        </div>
      </div>

      {error ? (
        <p
          role="status"
          className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
          data-testid="import-error"
        >
          {error}
        </p>
      ) : null}

      {plan ? (
        <section aria-label="Import preview" className="flex flex-col gap-3">
          <div className="grid grid-cols-2 gap-3 md:grid-cols-5" data-testid="import-summary">
            <Stat label="Rows read" value={plan.rows} />
            <Stat label="Sites to create" value={plan.summary.sitesToCreate} />
            <Stat label="Prices to create" value={plan.summary.pricesToCreate} />
            <Stat label="Prices to update" value={plan.summary.pricesToUpdate} />
            <Stat label="Prices unchanged" value={plan.summary.pricesUnchanged} />
          </div>

          {plan.errorCount > 0 ? (
            <div
              className="rounded-lg border border-status-bad/40 bg-status-bad/5 p-4"
              data-testid="import-row-errors"
            >
              <h2 className="text-sm font-semibold text-status-bad">
                {formatInt(plan.errorCount)} problem{plan.errorCount === 1 ? "" : "s"} in{" "}
                {formatInt(new Set(plan.errors.map((e) => e.line)).size)}
                {plan.errorCount > plan.errors.length ? "+" : ""} row
                {plan.errors.length === 1 ? "" : "s"}: fix the file, nothing will be imported
              </h2>
              <ul className="mt-2 max-h-60 overflow-auto text-xs" data-testid="import-error-list">
                {plan.errors.map((e) => (
                  <li
                    key={`${e.line}-${e.column ?? ""}-${e.message}`}
                    data-column={e.column}
                    className="py-0.5"
                  >
                    <span className="font-mono">line {e.line}</span>: {e.message}
                  </li>
                ))}
              </ul>
              {plan.errorCount > plan.errors.length ? (
                <p className="mt-2 text-xs text-muted" data-testid="import-error-more">
                  Showing the first {formatInt(plan.errors.length)} of {formatInt(plan.errorCount)} problems.
                </p>
              ) : null}
            </div>
          ) : stage === "imported" ? (
            <p className="rounded-md bg-status-ok/10 px-3 py-2 text-sm" data-testid="import-done">
              Imported {file?.name}: {formatInt(plan.summary.sitesToCreate)} sites created,{" "}
              {formatInt(plan.summary.pricesToCreate)} prices added, {formatInt(plan.summary.pricesToUpdate)}{" "}
              updated.{" "}
              <Link href="/sites?kind=CLOUD" className="text-accent hover:underline">
                See the cloud sites
              </Link>
            </p>
          ) : (
            <div className="flex items-center gap-3">
              <button
                type="button"
                disabled={changes === 0 || commit.isPending || !file}
                onClick={() => {
                  if (!file) return;
                  setError(null);
                  setStage("importing");
                  commit.mutate({ csv: file.csv, fileName: file.name });
                }}
                className="rounded-md bg-accent px-4 py-2 text-sm font-medium text-on-accent disabled:opacity-50"
              >
                {changes === 0
                  ? "Nothing to import"
                  : `Import ${formatInt(changes)} change${changes === 1 ? "" : "s"}`}
              </button>
              <span className="text-xs text-muted">
                {formatInt(plan.ignoredRows)} rows name accelerators or instance shapes that are not placed on
                (skipped).
              </span>
            </div>
          )}

          <div className="overflow-x-auto rounded-lg border border-border bg-surface">
            <table className="w-full text-sm" data-testid="import-plan">
              <thead className="border-b border-border text-left text-xs text-muted">
                <tr>
                  <th className="px-3 py-2 font-medium">Site</th>
                  <th className="px-3 py-2 font-medium">Country</th>
                  <th className="px-3 py-2 font-medium">Site change</th>
                  <th className="px-3 py-2 font-medium">Price changes (USD per GPU-hour)</th>
                </tr>
              </thead>
              <tbody>
                {plan.sites
                  .filter((s) => s.action !== "unchanged")
                  .map((site) => (
                    <tr key={site.slug} className="border-t border-border align-top">
                      <td className="px-3 py-2">
                        <div className="font-medium">{site.name}</div>
                        <div className="font-mono text-xs text-muted">{site.slug}</div>
                      </td>
                      <td className="px-3 py-2">{site.country}</td>
                      <td className="px-3 py-2">{site.action === "create" ? "new site" : "prices only"}</td>
                      <td className="px-3 py-2 text-xs">
                        {site.prices
                          .filter((p) => p.action !== "unchanged")
                          .map((p) => (
                            <span key={p.gpuModel} className="mr-3 inline-block tabular-nums">
                              {p.gpuModel} {p.oldUsd === null ? "" : `${formatUsd(p.oldUsd)} → `}
                              <strong>{formatUsd(p.newUsd)}</strong>
                            </span>
                          ))}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-lg border border-border bg-surface px-3 py-2">
      <div className="text-xs text-muted">{label}</div>
      <div className="text-lg font-semibold tabular-nums">{formatInt(value)}</div>
    </div>
  );
}

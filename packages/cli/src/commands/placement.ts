/** `switchyard recommend -f job.yaml` (dry run) and `switchyard explain ID [--site S]`. */
import type { Command } from "commander";
import { unwrap } from "../client.ts";
import { EXIT } from "../exit-codes.ts";
import { readJob } from "../job.ts";
import { cell, field, pick, renderTable, type TRow } from "../output.ts";
import { example, type TCommandContext } from "./context.ts";

export function registerPlacement(ctx: TCommandContext): void {
  const { api, emit, action, program } = ctx;
  // --- placement ---------------------------------------------------------------------------
  type TPlacement = {
    feasible: boolean;
    summary: string;
    candidates?: TRow[];
    rejected?: { siteName: string; siteId: string; reasons: { message: string }[] }[];
    reasonCounts?: { message: string; count: number }[];
    omitted?: { candidates: number; rejected: number };
    whyNot?: { siteId: string; fits: boolean; explanation: string } | null;
  };
  const explainPlacement = (p: TPlacement) => {
    const parts = [p.summary];
    if (p.candidates?.length)
      parts.push(
        "",
        "Candidates:",
        renderTable(p.candidates, [
          field("rank", "rank"),
          field("site", "siteName"),
          field("site id", "siteId"),
          field("gpu", "gpuModel"),
          { header: "nodes", value: (r) => (r.nodes as unknown[] | undefined)?.length },
          { header: "total usd", value: (r) => (pick(r, "cost.totalUsd") as number | undefined)?.toFixed(2) },
          { header: "score", value: (r) => (r.totalScore as number | undefined)?.toFixed(3) },
        ]),
      );
    if (p.rejected?.length)
      parts.push(
        "",
        "Not placed at:",
        renderTable(p.rejected as unknown as TRow[], [
          field("site", "siteName"),
          field("site id", "siteId"),
          {
            header: "why not",
            value: (r) => (r.reasons as { message: string }[]).map((x) => x.message).join("; "),
          },
        ]),
      );
    if (p.omitted?.candidates) parts.push(`… and ${p.omitted.candidates} more sites that fit`);
    if (!p.rejected?.length && p.reasonCounts?.length)
      parts.push(
        "",
        "Not placed at (sites by first reason):",
        renderTable(p.reasonCounts as unknown as TRow[], [
          field("sites", "count"),
          field("why not", "message"),
        ]),
      );
    if (p.whyNot)
      parts.push(
        "",
        `${p.whyNot.fits ? "Fits" : "Does not fit"} at ${p.whyNot.siteId}: ${p.whyNot.explanation}`,
      );
    return parts.join("\n");
  };

  example(
    program
      .command("recommend")
      .description(
        "Where would this job run now, and why not elsewhere (dry run: nothing is saved). Exits 4 when nothing fits.",
      )
      .requiredOption("-f, --file <job.yaml>", "the job file, or - for stdin")
      .option(
        "--candidates <n|all>",
        'how many ranked candidates to show (default 10), or "all" with every rejected site',
      )
      .option("--why-not <siteId>", "also explain why the job would not run at this site")
      .action(
        action(async (options: { file: string; candidates?: string; whyNot?: string }, command: Command) => {
          const spec = readJob(options.file) as Record<string, unknown>;
          const limit = options.candidates;
          const body = {
            ...spec,
            ...(limit === undefined ? {} : { candidates: limit === "all" ? "all" : Number(limit) }),
            ...(options.whyNot ? { whyNot: options.whyNot } : {}),
          };
          const result = (await unwrap(
            api().POST("/placement/recommend", { body: body as never }),
          )) as unknown as TPlacement;
          emit(command, result, () => explainPlacement(result));
          return result.feasible ? EXIT.OK : EXIT.CONFLICT;
        }),
      ),
    "switchyard recommend -f job.yaml",
    "switchyard recommend -f job.yaml --candidates all --why-not site-fra-1",
  );

  example(
    program
      .command("explain")
      .description("A workload's placement decision with its full explanation, or why it is not at one site")
      .argument("<id>", "the workload's id")
      .option("--site <siteId>", "explain why the workload is (not) placed at this site")
      .action(
        action(async (id: string, options: { site?: string }, command: Command) => {
          const client = api();
          if (options.site) {
            const result = await unwrap(
              client.GET("/workloads/{id}/why-not/{siteId}", {
                params: { path: { id, siteId: options.site } },
              }),
            );
            emit(
              command,
              result,
              () => `${result.fits ? "Fits" : "Does not fit"} at ${result.siteId}: ${result.explanation}`,
            );
            return EXIT.OK;
          }
          const decision = (await unwrap(
            client.GET("/workloads/{id}/decision", { params: { path: { id } } }),
          )) as TRow & {
            feasible: boolean;
            summary: string;
          };
          emit(command, decision, () =>
            explainPlacement({
              feasible: decision.feasible,
              summary: `Decision ${cell(decision.id)} (${cell(decision.createdAt)}): ${decision.summary}`,
              candidates: pick(decision, "candidates.candidates") as TRow[] | undefined,
              rejected: pick(decision, "rejections.rejected") as TPlacement["rejected"],
              reasonCounts: pick(decision, "rejections.reasonCounts") as TPlacement["reasonCounts"],
              omitted: {
                candidates: Number(pick(decision, "candidates.omitted") ?? 0),
                rejected: Number(pick(decision, "rejections.omitted") ?? 0),
              },
            }),
          );
          return EXIT.OK;
        }),
      ),
    "switchyard explain wl_123",
    "switchyard explain wl_123 --site site-fra-1",
  );
}

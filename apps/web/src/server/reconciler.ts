import { hostname } from "node:os";
import { runReconcileTick } from "@switchyard/api/loops";
import { getPrisma } from "@switchyard/db";
import { z } from "zod";

const ZLoopEnv = z.object({
  SWITCHYARD_LOOP_SECONDS: z.coerce.number().int().min(1).max(3_600).default(15),
  SWITCHYARD_NODE_SILENCE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(120),
});

/**
 * The background loop of this console process: silent nodes go DOWN and their work is
 * re-placed; pending work is retried. Every process runs it; the database decides who does
 * what (see runReconcileTick), so replicas never double-handle a node or a workload.
 */
export function startReconciler() {
  const parsed = ZLoopEnv.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`switchyard: background loop not started: ${issue?.path.join(".")} ${issue?.message}`);
    return;
  }
  const { SWITCHYARD_LOOP_SECONDS: every, SWITCHYARD_NODE_SILENCE_SECONDS: silenceSeconds } = parsed.data;
  const holder = `${hostname()}:${process.pid}`;
  let isRunning = false;
  const timer = setInterval(async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      const report = await runReconcileTick(await getPrisma(), { holder, silenceSeconds });
      if (report.nodesDown.length + report.scheduled.length > 0) {
        console.log(
          `switchyard: loop: ${report.nodesDown.length} nodes down, ${report.replaced.length} workloads re-placed, ${report.scheduled.length} scheduled`,
        );
      }
    } catch (error) {
      console.error(
        `switchyard: loop tick failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    } finally {
      isRunning = false;
    }
  }, every * 1_000);
  timer.unref();
}

import { randomUUID } from "node:crypto";
import { withLogContext } from "./context.ts";
import { logger } from "./logger.ts";
import { processMetrics, type TLoopName } from "./metrics.ts";

/**
 * Runs one background loop tick under a new tick id (every log line of the tick carries it
 * and the loop's name), records its duration in switchyard_loop_tick_duration_seconds, and
 * logs a failure once, with its stack, before rethrowing it.
 */
export function runLoopTick<T>(loop: TLoopName, tick: () => Promise<T>): Promise<T> {
  return withLogContext({ loop, tickId: randomUUID() }, async () => {
    try {
      return await timeLoopPass(loop, tick);
    } catch (error) {
      logger().error({ err: error }, `${loop} tick failed`);
      throw error;
    }
  });
}

/**
 * Times one pass of a loop, under the loop's own name: a whole tick, or each Slurm or
 * Kubernetes site's pass inside the reconcile tick (whose log lines keep that tick's id).
 * A pass that throws is counted in switchyard_loop_tick_failures_total.
 */
export async function timeLoopPass<T>(loop: TLoopName, pass: () => Promise<T>): Promise<T> {
  const metrics = processMetrics();
  const end = metrics.loopTickDuration.startTimer({ loop });
  try {
    return await withLogContext({ loop }, pass);
  } catch (error) {
    metrics.loopTickFailures.inc({ loop });
    throw error;
  } finally {
    end();
  }
}

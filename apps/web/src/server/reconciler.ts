import { hostname } from "node:os";
import {
  reencryptStoredSecrets,
  runLoopTick,
  runReconcileTick,
  runTelemetryTick,
  runWebhookDeliveryTick,
} from "@switchyard/api/loops";
import { logger } from "@switchyard/api/observability";
import { getPrisma } from "@switchyard/db";
import { z } from "zod";

const ZLoopEnv = z.object({
  SWITCHYARD_LOOP_SECONDS: z.coerce.number().int().min(1).max(3_600).default(15),
  SWITCHYARD_NODE_SILENCE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(120),
  /** Fair sharing: how long borrowed work keeps running after it is told it will be preempted. */
  SWITCHYARD_RECLAIM_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Fair sharing: how long pending work waits before it may reclaim borrowed GPUs (finishing work may make room first). */
  SWITCHYARD_RECLAIM_AFTER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
  /** How often due webhook deliveries are sent; retries wait their own backoff on top. */
  SWITCHYARD_WEBHOOK_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /** How often GPU telemetry is rolled up (5 min, 1 h) and pruned past retention. */
  SWITCHYARD_TELEMETRY_ROLLUP_SECONDS: z.coerce.number().int().min(5).max(3_600).default(60),
});

/** Deliveries claimed and sent in parallel at once, and full batches sent per tick at most. */
const WEBHOOK_BATCH = 25;
const WEBHOOK_BATCHES_PER_TICK = 8;

/**
 * The background loops of this console process: silent nodes go DOWN and their work is
 * re-placed; pending work is retried; webhook deliveries are sent. Every process runs them;
 * the database decides who does what (see runReconcileTick and runWebhookDeliveryTick), so
 * replicas never double-handle a node, a workload or a delivery. Each tick logs under its
 * own tick id and is timed (switchyard_loop_tick_duration_seconds).
 */
export function startReconciler() {
  const parsed = ZLoopEnv.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    logger().error(`background loop not started: ${issue?.path.join(".")} ${issue?.message}`);
    return;
  }
  const env = parsed.data;
  const holder = `${hostname()}:${process.pid}`;

  // Plain secrets from before encryption, and ones under a rotated-out key, move to the
  // current key once at start (the `secrets reencrypt` command does the same on demand).
  void (async () => {
    try {
      const report = await reencryptStoredSecrets(await getPrisma());
      if (report.reencrypted + report.undecryptable > 0) {
        logger().info(
          report,
          `secrets: ${report.reencrypted} re-encrypted with the current key, ${report.undecryptable} undecryptable (their key is neither SWITCHYARD_SECRET_KEY nor in SWITCHYARD_SECRET_KEY_PREVIOUS)`,
        );
      }
    } catch (error) {
      logger().error({ err: error }, "secrets: re-encryption at start failed");
    }
  })();

  every(env.SWITCHYARD_LOOP_SECONDS, () =>
    runLoopTick("reconcile", async () => {
      const report = await runReconcileTick(await getPrisma(), {
        holder,
        silenceSeconds: env.SWITCHYARD_NODE_SILENCE_SECONDS,
        reclaimGraceSeconds: env.SWITCHYARD_RECLAIM_GRACE_SECONDS,
        reclaimAfterSeconds: env.SWITCHYARD_RECLAIM_AFTER_SECONDS,
      });
      if (report.nodesDown.length + report.scheduled.length > 0) {
        const counts = {
          nodesDown: report.nodesDown.length,
          replaced: report.replaced.length,
          scheduled: report.scheduled.length,
        };
        logger().info(
          counts,
          `loop: ${counts.nodesDown} nodes down, ${counts.replaced} workloads re-placed, ${counts.scheduled} scheduled`,
        );
      }
      for (const failure of report.executors?.errors ?? []) {
        logger().warn({ siteId: failure.siteId }, `executor of site ${failure.siteId}: ${failure.message}`);
      }
    }),
  );

  every(env.SWITCHYARD_TELEMETRY_ROLLUP_SECONDS, () =>
    runLoopTick("telemetry", async () => {
      const report = await runTelemetryTick(await getPrisma(), { holder });
      const pruned = report.pruned.raw + report.pruned["5m"] + report.pruned["1h"];
      if (pruned > 0) logger().info(report.pruned, `telemetry: ${pruned} rows past retention pruned`);
    }),
  );

  every(env.SWITCHYARD_WEBHOOK_SECONDS, () =>
    runLoopTick("webhooks", async () => {
      // A burst of events (a node going down moves many workloads) drains in one go: keep
      // claiming while batches come back full, up to a bound so the tick stays short.
      const total = { succeeded: 0, retrying: 0, failed: 0 };
      for (let batch = 0; batch < WEBHOOK_BATCHES_PER_TICK; batch++) {
        const report = await runWebhookDeliveryTick(await getPrisma(), { holder, limit: WEBHOOK_BATCH });
        total.succeeded += report.succeeded;
        total.retrying += report.retrying;
        total.failed += report.failed;
        if (report.claimed < WEBHOOK_BATCH) break;
      }
      if (total.retrying + total.failed > 0) {
        logger().info(
          total,
          `webhooks: ${total.succeeded} delivered, ${total.retrying} to retry, ${total.failed} failed for good`,
        );
      }
    }),
  );
}

/**
 * Runs a tick every `seconds`, never two at once in this process. A failure was logged by
 * runLoopTick (with the tick id and stack); the next tick tries again.
 */
function every(seconds: number, tick: () => Promise<void>) {
  let isRunning = false;
  const timer = setInterval(async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      await tick();
    } catch {
      // Logged and counted by runLoopTick.
    } finally {
      isRunning = false;
    }
  }, seconds * 1_000);
  timer.unref();
}

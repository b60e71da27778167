// Runs once when a console server process starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Settings the request handlers read are checked now: a bad value stops the start and
  // names the variable, instead of failing the first API call.
  const { rateLimitFromEnv } = await import("@switchyard/api/rest");
  const { logger, logLevelFromEnv } = await import("@switchyard/api/observability");
  const { metricsTokenFromEnv } = await import("@switchyard/api/metrics");
  const { serviceRejectBackoffFromEnv } = await import("@switchyard/api/loops");
  for (const check of [rateLimitFromEnv, logLevelFromEnv, metricsTokenFromEnv, serviceRejectBackoffFromEnv]) {
    try {
      check();
    } catch (error) {
      logger().fatal(`switchyard: ${(error as Error).message}`);
      process.exit(1);
    }
  }
  // Sign-in throttling needs each request's socket address (see server/client-address.ts).
  const { recordPeerAddresses } = await import("./server/client-address");
  await recordPeerAddresses();
  // SWITCHYARD_WORKERS > 1: this is one of the workers; /api/metrics sums them all.
  const { answerMetricsRequests } = await import("@switchyard/api/metrics");
  answerMetricsRequests();
  // PostgreSQL: hear the other replicas' estate changes instead of asking before each decision.
  const { startEstateListener } = await import("./server/estate-listener");
  startEstateListener();
  if (process.env.SWITCHYARD_LOOPS === "off") return;
  const { startReconciler } = await import("./server/reconciler");
  startReconciler();
}

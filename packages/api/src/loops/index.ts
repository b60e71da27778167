export { serviceRejectBackoffFromEnv } from "../inference/rejections.ts";
export { reencryptStoredSecrets, type TReencryptReport } from "../lib/reencrypt-secrets.ts";
export { runLoopTick } from "../observability/loop-tick.ts";
export { runTelemetryTick, type TTelemetryTickReport } from "../telemetry/rollup.ts";
export {
  runWebhookDeliveryTick,
  type TDeliveryLoopOptions,
  type TDeliveryTickReport,
} from "../webhooks/deliver.ts";
export { acquireLease, releaseLease } from "./lease.ts";
export { runReconcileTick, type TLoopOptions, type TTickReport } from "./reconcile.ts";

export { acquireLease, releaseLease } from "./lease.ts";
export { runReconcileTick, type TLoopOptions, type TTickReport } from "./reconcile.ts";

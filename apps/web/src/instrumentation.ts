// Runs once when a console server process starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.SWITCHYARD_LOOPS === "off") return;
  const { startReconciler } = await import("./server/reconciler");
  startReconciler();
}

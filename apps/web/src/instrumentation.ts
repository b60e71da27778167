// Runs once when a console server process starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Sign-in throttling needs each request's socket address (see server/client-address.ts).
  const { recordPeerAddresses } = await import("./server/client-address");
  await recordPeerAddresses();
  if (process.env.SWITCHYARD_LOOPS === "off") return;
  const { startReconciler } = await import("./server/reconciler");
  startReconciler();
}

/**
 * The wait before retry number `attempt` (1, 2, …): exponential from `baseMs`, capped at
 * `maxMs`, with full jitter (a uniform draw below the cap) so that agents that lost the server
 * together do not come back together. `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

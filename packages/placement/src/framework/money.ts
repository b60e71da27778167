/** Money in the engine is plain USD; results round display fields to cents. */
export function roundCents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

export function formatUsd(usd: number): string {
  return `$${roundCents(usd).toFixed(2)}`;
}

/** Code-unit string order: locale-independent, so results never depend on the host. */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

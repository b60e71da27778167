/**
 * One value per process, kept on globalThis under a registered symbol: Next.js bundles a
 * workspace module into each route (and again on every dev reload), and a module-level
 * singleton would then exist once per bundle. The metrics registry, the logger and the
 * request context must be the same object for every route and the background loops.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`switchyard.${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  let value = store[key];
  if (value === undefined) {
    value = create();
    store[key] = value;
  }
  return value;
}

// The estate the engine decides on: kept in memory per process, read whole for reference.

export { loadSnapshot } from "../workloads/snapshot.ts";
export { EstateCache, estateCache } from "./cache.ts";
export { ESTATE_CHANNEL, listenForEstateChanges } from "./listen.ts";
export { pruneEstateChanges } from "./prune.ts";

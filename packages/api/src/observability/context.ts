import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { processSingleton } from "./process-singleton.ts";

/**
 * What every log line of one request or one loop tick carries, without passing it around:
 * the request id (or tick id and loop name), and for a request the route its metrics count
 * it under once the handler knows it (a REST route's template, not the raw path).
 */
export type TLogContext = {
  requestId?: string;
  tickId?: string;
  loop?: string;
  route?: string;
  /** Set by observeRequest: a nested observeRequest (a route handler around a handler) runs as is. */
  isObserved?: boolean;
};

const storage = processSingleton("log-context", () => new AsyncLocalStorage<TLogContext>());

export function currentLogContext(): TLogContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `context` added to the current one (the inner value wins). */
export function withLogContext<T>(context: TLogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** Letters, digits and `. _ : -`, at most 100: what a proxy or client may send us as a request id. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The id of this request: the current context's when a caller already chose it, a valid
 * incoming `X-Request-Id` (a proxy's or client's, so their logs and ours join), else a new one.
 */
export function requestIdFor(headers: Headers): string {
  const known = storage.getStore()?.requestId;
  if (known) return known;
  const incoming = headers.get("x-request-id");
  return incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

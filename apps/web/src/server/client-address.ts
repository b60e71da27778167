import { isIP } from "node:net";

/**
 * The address of the client a request came from, for throttling sign-ins.
 *
 * Next.js does not give route handlers the socket, and it keeps an `x-forwarded-for` that the
 * client sent itself, so that header proves nothing on its own. instrumentation.ts records the
 * socket's peer address in PEER_HEADER on every request (overwriting anything a client sent);
 * with `SWITCHYARD_TRUSTED_PROXIES=<n>` (the number of reverse proxies in front of the console,
 * each appending to `x-forwarded-for`) the address is taken from that header instead, the n-th
 * entry from the right, which is the one the outermost trusted proxy saw.
 */
export const PEER_HEADER = "x-switchyard-peer-address";

export function trustedProxyCount(): number {
  const raw = process.env.SWITCHYARD_TRUSTED_PROXIES ?? "0";
  const count = Number(raw);
  return Number.isInteger(count) && count >= 0 ? count : 0;
}

const normalise = (address: string | null | undefined): string | null => {
  if (!address) return null;
  const trimmed = address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  return isIP(trimmed) ? trimmed : null;
};

export function clientAddress(headers: Pick<Headers, "get">): string | null {
  const hops = trustedProxyCount();
  const peer = normalise(headers.get(PEER_HEADER));
  if (hops === 0) return peer;
  const chain = (headers.get("x-forwarded-for") ?? "").split(",").map((part) => part.trim());
  const index = chain.length - hops;
  return normalise(index >= 0 ? chain[index] : chain[0]) ?? peer;
}

let installed = false;

/**
 * Records each request's socket address in PEER_HEADER, for every HTTP server of this
 * process. Called once from instrumentation.ts when a console process starts.
 */
export async function recordPeerAddresses(): Promise<void> {
  if (installed) return;
  installed = true;
  const http = await import("node:http");
  const original = http.Server.prototype.emit as (
    this: unknown,
    event: string | symbol,
    ...args: unknown[]
  ) => boolean;
  http.Server.prototype.emit = function emit(this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as import("node:http").IncomingMessage;
      request.headers[PEER_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return original.call(this, event, ...args);
  } as typeof http.Server.prototype.emit;
}

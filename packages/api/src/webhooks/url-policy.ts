import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Where webhooks may send: the one network policy, checked when a webhook is saved and again
 * on every delivery, after DNS resolution, against every address the name resolves to.
 *
 * A webhook URL is chosen by an admin but fetched by the console's server, from inside the
 * estate's network: without a policy it reaches the database on 127.0.0.1:5432, the cloud
 * metadata service on 169.254.169.254 (credentials) and anything on the private network.
 * So by default only global unicast addresses are allowed. Refused:
 * - loopback, "this network" 0.0.0.0/8 and the unspecified address, private (10/8, 172.16/12,
 *   192.168/16, fc00::/7), carrier-grade NAT, link-local (169.254/16 with the metadata
 *   service, fe80::/10), multicast, broadcast and every reserved or documentation range;
 * - IPv6 forms that carry an IPv4 address (::ffff:127.0.0.1, NAT64, 6to4, Teredo): refused
 *   whole, as anything but global unicast is;
 * - numeric IPv4 spellings (2130706433, 0x7f.1, 017700000001): the URL parser turns them
 *   into the dotted address first, which the rules above then see;
 * - names that only mean something inside a network (localhost, *.localhost, *.internal
 *   with metadata.google.internal, *.local, *.home.arpa, metadata.goog): refused unless
 *   every address they resolve to is in the operator's allowed networks.
 *
 * Operators with receivers on their own network allow exactly those networks with
 * SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS, a comma-separated list of CIDRs (e.g.
 * "10.20.0.0/16,fd00:1::/64"; "127.0.0.0/8" lets a receiver on this machine in, which the
 * tests use). It is empty by default.
 *
 * The address checked is the address used: deliveries connect to the resolved address
 * that passed (see pinnedLookup), so a name that resolves elsewhere a moment later (DNS
 * rebinding) cannot switch the connection to a refused address.
 */
export type TWebhookNetworkPolicy = {
  /** Networks allowed on top of the public internet, from SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS. */
  allowed: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
};

export const WEBHOOK_ALLOWED_NETWORKS_ENV = "SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS";

export const DEFAULT_WEBHOOK_NETWORK_POLICY: TWebhookNetworkPolicy = { allowed: [] };

const INTERNAL_NAME = /(^|\.)(localhost|internal|local|home\.arpa)$|^metadata(\.goog)?$/;

/** Thrown when a URL or address is refused by the policy; the message is for people. */
export class WebhookUrlRefused extends Error {
  override name = "WebhookUrlRefused";
}

/** Parses the CIDR list; a malformed entry is an error naming it, never silently skipped. */
export function parseAllowedNetworks(text: string | undefined): TWebhookNetworkPolicy {
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return {
    allowed: entries.map((entry) => {
      try {
        return ipaddr.parseCIDR(entry.includes("/") ? entry : `${entry}/${isIP(entry) === 6 ? 128 : 32}`);
      } catch {
        throw new Error(
          `${WEBHOOK_ALLOWED_NETWORKS_ENV}: "${entry}" is not a network; use CIDRs such as 10.0.0.0/8 or fd00::/8`,
        );
      }
    }),
  };
}

let cachedEnv: { text: string | undefined; policy: TWebhookNetworkPolicy } | undefined;

/** The policy this process runs with, from its environment. */
export function webhookNetworkPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): TWebhookNetworkPolicy {
  const text = env[WEBHOOK_ALLOWED_NETWORKS_ENV];
  if (cachedEnv && cachedEnv.text === text) return cachedEnv.policy;
  const policy = parseAllowedNetworks(text);
  cachedEnv = { text, policy };
  return policy;
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ""));
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

function isInAllowedNetworks(address: ipaddr.IPv4 | ipaddr.IPv6, policy: TWebhookNetworkPolicy): boolean {
  return policy.allowed.some(
    ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
  );
}

const IPV4_COMPATIBLE = ipaddr.parse("::");

const RANGE_WORDS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private address",
  uniqueLocal: "a private address",
  linkLocal: "a link-local address (cloud metadata lives there)",
  unspecified: "the unspecified address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  carrierGradeNat: "a carrier-grade NAT address",
};

/** Why an address is refused, or null when the policy allows it. */
export function refusalOfAddress(address: string, policy: TWebhookNetworkPolicy): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = parseAddress(address);
  } catch {
    return `${address} is not an IP address`;
  }
  if (isInAllowedNetworks(parsed, policy)) return null;
  const range = parsed.range();
  // ipaddr.js calls the deprecated IPv4-compatible block ::/96 unicast; it carries IPv4.
  const isV4Compatible = parsed.kind() === "ipv6" && parsed.match(IPV4_COMPATIBLE, 96);
  if (range === "unicast" && !isV4Compatible) return null;
  return `${parsed.toString()} is ${RANGE_WORDS[range] ?? "a reserved address"}`;
}

/**
 * Resolves the URL's host and checks every address it has. Returns the addresses to use,
 * first one first; throws WebhookUrlRefused with the reason when any of them is refused.
 */
export async function resolveWebhookTarget(
  url: string,
  policy: TWebhookNetworkPolicy,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<{ host: string; addresses: string[] }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlRefused("the URL is not valid");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new WebhookUrlRefused("only http:// and https:// URLs are sent to");
  const host = parsed.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (isIP(host)) {
    const refusal = refusalOfAddress(host, policy);
    if (refusal) throw new WebhookUrlRefused(`${refusal}; ${ALLOW_HINT}`);
    return { host, addresses: [host] };
  }
  const isInternalName = INTERNAL_NAME.test(host);
  let addresses: string[] = [];
  try {
    addresses = await resolve(host);
  } catch {
    // An internal name is refused whether or not this machine can resolve it now.
    if (!isInternalName) throw new WebhookUrlRefused(`host not found (${host})`);
  }
  if (addresses.length === 0) {
    if (isInternalName) throw new WebhookUrlRefused(`${host} is an internal name; ${ALLOW_HINT}`);
    throw new WebhookUrlRefused(`host not found (${host})`);
  }
  if (isInternalName) {
    const outside = addresses.find((address) => !isInAllowedNetworks(parseAddress(address), policy));
    if (outside !== undefined)
      throw new WebhookUrlRefused(`${host} is an internal name (resolves to ${outside}); ${ALLOW_HINT}`);
  }
  for (const address of addresses) {
    const refusal = refusalOfAddress(address, policy);
    if (refusal) throw new WebhookUrlRefused(`${host} resolves to ${refusal}; ${ALLOW_HINT}`);
  }
  return { host, addresses };
}

const ALLOW_HINT = `webhooks go to public addresses only, unless an operator allows the network in ${WEBHOOK_ALLOWED_NETWORKS_ENV}`;

async function resolveAll(host: string): Promise<string[]> {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

type TLookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;

/**
 * A `lookup` for node:http that answers with the address already checked instead of asking
 * DNS again: the connection goes exactly where the policy looked.
 */
export function pinnedLookup(address: string) {
  const family = isIP(address);
  return (_host: string, options: { all?: boolean } | number | undefined, callback: TLookupCallback) => {
    if (typeof options === "object" && options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

import { describe, expect, it } from "vitest";
import {
  DEFAULT_WEBHOOK_NETWORK_POLICY,
  parseAllowedNetworks,
  pinnedLookup,
  refusalOfAddress,
  resolveWebhookTarget,
} from "./url-policy.ts";

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe("the webhook network policy, by default", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.0.10", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["224.0.0.251", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:10.0.0.1", "private"],
    ["::7f00:1", "reserved"],
    ["64:ff9b::7f00:1", "reserved"],
    ["2002:7f00:1::", "reserved"],
    ["192.0.2.1", "reserved"],
    ["240.0.0.1", "reserved"],
  ])("refuses %s (%s)", (address, words) => {
    expect(refusalOfAddress(address, DEFAULT_WEBHOOK_NETWORK_POLICY)).toContain(words);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])("allows the public address %s", (address) => {
    expect(refusalOfAddress(address, DEFAULT_WEBHOOK_NETWORK_POLICY)).toBeNull();
  });

  it.each([
    ["http://2130706433/", "127.0.0.1"],
    ["http://0x7f000001/", "127.0.0.1"],
    ["http://017700000001/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://0/", "0.0.0.0"],
    ["http://[::ffff:7f00:1]/", "127.0.0.1"],
    ["http://[0:0:0:0:0:0:0:1]/", "::1"],
    ["http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254"],
  ])("sees through the numeric spelling %s", async (url, address) => {
    await expect(resolveWebhookTarget(url, DEFAULT_WEBHOOK_NETWORK_POLICY, resolvesTo())).rejects.toThrow(
      address,
    );
  });

  it.each([
    ["localhost", "127.0.0.1"],
    ["LOCALHOST.", "127.0.0.1"],
    ["api.localhost", "127.0.0.1"],
    ["metadata.google.internal", "169.254.169.254"],
    ["vault.internal", "203.0.113.7"],
    ["printer.local", "93.184.216.34"],
    ["metadata", "169.254.169.254"],
  ])("refuses the internal name %s whatever it resolves to", async (host, address) => {
    await expect(
      resolveWebhookTarget(`http://${host}/`, DEFAULT_WEBHOOK_NETWORK_POLICY, resolvesTo(address)),
    ).rejects.toThrow(/internal name|resolves to/);
  });

  it("refuses an internal name that does not resolve here, rather than calling it not found", async () => {
    await expect(
      resolveWebhookTarget("http://metadata.google.internal/", DEFAULT_WEBHOOK_NETWORK_POLICY, async () => {
        throw new Error("ENOTFOUND");
      }),
    ).rejects.toThrow("metadata.google.internal is an internal name");
  });

  it("refuses a public name that resolves to a private address, or to any refused one among several", async () => {
    await expect(
      resolveWebhookTarget(
        "https://hooks.example.com/",
        DEFAULT_WEBHOOK_NETWORK_POLICY,
        resolvesTo("10.0.0.8"),
      ),
    ).rejects.toThrow("hooks.example.com resolves to 10.0.0.8 is a private address");
    await expect(
      resolveWebhookTarget(
        "https://hooks.example.com/",
        DEFAULT_WEBHOOK_NETWORK_POLICY,
        resolvesTo("93.184.216.34", "::1"),
      ),
    ).rejects.toThrow("::1 is a loopback address");
  });

  it("allows a public name that resolves to public addresses, and says when a host is not found", async () => {
    await expect(
      resolveWebhookTarget(
        "https://hooks.example.com/x",
        DEFAULT_WEBHOOK_NETWORK_POLICY,
        resolvesTo("93.184.216.34"),
      ),
    ).resolves.toEqual({ host: "hooks.example.com", addresses: ["93.184.216.34"] });
    await expect(
      resolveWebhookTarget("https://nowhere.example/", DEFAULT_WEBHOOK_NETWORK_POLICY, async () => {
        throw new Error("ENOTFOUND");
      }),
    ).rejects.toThrow("host not found (nowhere.example)");
  });
});

describe("the operator's allowed networks", () => {
  const policy = parseAllowedNetworks(" 127.0.0.0/8, fd00:1::/64 ,10.20.0.5");

  it("allows exactly the networks named, and nothing next to them", () => {
    expect(refusalOfAddress("127.0.0.1", policy)).toBeNull();
    expect(refusalOfAddress("::ffff:127.0.0.1", policy)).toBeNull();
    expect(refusalOfAddress("fd00:1::9", policy)).toBeNull();
    expect(refusalOfAddress("10.20.0.5", policy)).toBeNull();
    expect(refusalOfAddress("10.20.0.6", policy)).toContain("private");
    expect(refusalOfAddress("::1", policy)).toContain("loopback");
    expect(refusalOfAddress("169.254.169.254", policy)).toContain("link-local");
  });

  it("lets an internal name in when all its addresses are allowed", async () => {
    await expect(
      resolveWebhookTarget("http://localhost:8080/", policy, resolvesTo("127.0.0.1")),
    ).resolves.toEqual({
      host: "localhost",
      addresses: ["127.0.0.1"],
    });
    await expect(
      resolveWebhookTarget("http://localhost/", policy, resolvesTo("127.0.0.1", "::1")),
    ).rejects.toThrow("internal name");
  });

  it("names a malformed entry instead of skipping it", () => {
    expect(() => parseAllowedNetworks("10.0.0.0/8,intranet")).toThrow('"intranet" is not a network');
    expect(() => parseAllowedNetworks("10.0.0.0/33")).toThrow('"10.0.0.0/33"');
  });
});

describe("pinnedLookup", () => {
  it("answers the checked address in both shapes node:net asks for", () => {
    const lookup = pinnedLookup("203.0.113.9");
    const single: unknown[] = [];
    lookup("example.com", { all: false }, (...args) => single.push(...args));
    expect(single).toEqual([null, "203.0.113.9", 4]);
    const all: unknown[] = [];
    lookup("example.com", { all: true }, (...args) => all.push(...args));
    expect(all).toEqual([null, [{ address: "203.0.113.9", family: 4 }]]);
  });
});

import { describe, expect, it } from "vitest";
import { aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { siteStatusPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("active"))
  .site(aSite("maintenance").status("MAINTENANCE"))
  .site(aSite("gone").status("DECOMMISSIONED"))
  .nodes("active", 1)
  .build();

describe("site-status filter", () => {
  it.each([
    { site: "active", code: "success", message: undefined },
    { site: "maintenance", code: "unschedulable", message: "site in maintenance" },
    { site: "gone", code: "unresolvable", message: "site decommissioned" },
  ])("gives $site status $code", ({ site, code, message }) => {
    const verdict = filterSites(siteStatusPlugin, snapshot, aRequest().build())[site];
    expect(verdict?.code).toBe(code);
    expect(verdict?.messages[0]).toBe(message);
  });
});

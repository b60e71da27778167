import { describe, expect, it } from "vitest";
import { aNode, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { nodeHealthPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("healthy"))
  .site(aSite("sick"))
  .site(aSite("partly"))
  .node(aNode("h1", "healthy"))
  .node(aNode("s1", "sick").status("CORDONED"))
  .node(aNode("s2", "sick").status("DOWN"))
  .node(aNode("s3", "sick").status("DOWN"))
  .node(aNode("p1", "partly").status("DRAINING"))
  .node(aNode("p2", "partly"))
  .build();

describe("node-health filter", () => {
  it.each([
    { site: "healthy", code: "success" },
    { site: "partly", code: "success" },
    { site: "sick", code: "unschedulable" },
  ])("gives $site $code", ({ site, code }) => {
    expect(filterSites(nodeHealthPlugin, snapshot, aRequest().build())[site]?.code).toBe(code);
  });

  it("counts the nodes that are not ready", () => {
    const verdict = filterSites(nodeHealthPlugin, snapshot, aRequest().build()).sick;
    expect(verdict?.messages).toEqual(["no ready H100 nodes"]);
  });
});

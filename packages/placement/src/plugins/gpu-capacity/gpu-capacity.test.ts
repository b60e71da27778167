import { describe, expect, it } from "vitest";
import { aNode, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { gpuCapacityPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("roomy"))
  .site(aSite("split"))
  .site(aSite("busy"))
  .site(aSite("small"))
  .nodes("roomy", 3)
  // Three idle nodes, but on two fabrics: a 3-node gang cannot land here.
  .node(aNode("s1", "split").fabric("ib-a"))
  .node(aNode("s2", "split").fabric("ib-a"))
  .node(aNode("s3", "split").fabric("ib-b"))
  .node(aNode("b1", "busy").free(3))
  .node(aNode("b2", "busy").free(0))
  .node(aNode("t1", "small").gpus(4))
  .build();

describe("gpu-capacity filter", () => {
  it.each([
    {
      name: "one GPU fits wherever a node has one free",
      ask: aRequest().gpus(1),
      expected: { roomy: "success", busy: "success", small: "success" },
    },
    {
      name: "eight GPUs need one node with eight free",
      ask: aRequest().gpus(8),
      expected: { roomy: "success", busy: "unschedulable", small: "unresolvable" },
    },
    {
      name: "a gang fits on one fabric",
      ask: aRequest().gang(2, 8),
      expected: { roomy: "success", split: "success" },
    },
    {
      name: "a gang never spans fabrics",
      ask: aRequest().gang(3, 8),
      expected: { roomy: "success", split: "unresolvable" },
    },
    { name: "a gang needs every node free", ask: aRequest().gang(2, 4), expected: { busy: "unschedulable" } },
  ])("$name", ({ ask, expected }) => {
    const verdicts = filterSites(gpuCapacityPlugin, snapshot, ask.build());
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("explains the shortfall", () => {
    const single = filterSites(gpuCapacityPlugin, snapshot, aRequest().gpus(8).build());
    expect(single.busy?.messages).toEqual(["no free H100 ×8"]);
    expect(single.small?.messages).toEqual(["no node big enough for H100 ×8"]);
    const gang = filterSites(gpuCapacityPlugin, snapshot, aRequest().gang(3, 8).build());
    expect(gang.split?.messages).toEqual(["too few nodes on one fabric for 3×8 H100"]);
    const busy = filterSites(gpuCapacityPlugin, snapshot, aRequest().gang(2, 4).build());
    expect(busy.busy?.messages).toEqual(["no free 2×4 H100 on one fabric"]);
  });
});

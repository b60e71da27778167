import { describe, expect, it } from "vitest";
import { aNode, aSite, aSnapshot } from "../testing/builders";
import {
  allocateGpus,
  cloneCapacity,
  countNodesWithFree,
  poolMaxFree,
  releaseGpus,
  selectPoolNodes,
  selectSingleNode,
} from "./capacity";
import { indexSnapshot } from "./index-snapshot";

const prepared = indexSnapshot(
  aSnapshot()
    .site(aSite("dc"))
    .node(aNode("n1", "dc").free(8))
    .node(aNode("n2", "dc").free(3))
    .node(aNode("n3", "dc").free(5))
    .node(aNode("n4", "dc").free(5))
    .node(aNode("down", "dc").status("DOWN"))
    .build(),
);
const pool = prepared.groups[0]?.pools[0] ?? -1;
const id = (n: number) => prepared.nodes[n]?.id;

describe("capacity", () => {
  it("counts nodes by free GPUs and leaves out nodes that are not ready", () => {
    expect(countNodesWithFree(prepared.capacity, pool, 1)).toBe(4);
    expect(countNodesWithFree(prepared.capacity, pool, 5)).toBe(3);
    expect(poolMaxFree(prepared.capacity, pool)).toBe(8);
  });

  it("picks the best fit: fewest free GPUs that still fit, then the lower node id", () => {
    expect(id(selectSingleNode(prepared, prepared.capacity, [pool], 4))).toBe("n3");
    expect(selectPoolNodes(prepared, prepared.capacity, pool, 2, 4)?.map(id)).toEqual(["n3", "n4"]);
    expect(selectPoolNodes(prepared, prepared.capacity, pool, 4, 4)).toBeUndefined();
  });

  it("allocates and releases symmetrically, on a copy", () => {
    const capacity = cloneCapacity(prepared.capacity);
    const n1 = prepared.nodeIdxById.get("n1") ?? -1;
    allocateGpus(prepared, capacity, n1, 6);
    expect(poolMaxFree(capacity, pool)).toBe(5);
    expect(poolMaxFree(prepared.capacity, pool)).toBe(8);
    releaseGpus(prepared, capacity, n1, 6);
    expect(capacity).toEqual(prepared.capacity);
  });

  it("refuses to over-allocate a node", () => {
    const capacity = cloneCapacity(prepared.capacity);
    expect(() => allocateGpus(prepared, capacity, prepared.nodeIdxById.get("n2") ?? -1, 4)).toThrow(
      /capacity bug/,
    );
  });
});

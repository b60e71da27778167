import { describe, expect, it } from "vitest";
import { ZListApprovalsInput } from "../approval/approval.schema.ts";
import { ZListAuditInput } from "../audit/audit.schema.ts";
import { ZListDatasetsInput } from "../dataset/list-datasets.schema.ts";
import { ZListNodesInput } from "../node/list-nodes.schema.ts";
import { ZListSitesInput } from "../site/list-sites.schema.ts";
import { ZListTeamsInput } from "../team/list-teams.schema.ts";
import { ZListWebhookDeliveriesInput } from "../webhook/webhook.schema.ts";
import { ZListWorkloadsInput } from "../workload/workload.schema.ts";
import { SAVED_VIEW_FILTERS, savedViewQuery, ZSaveViewInput } from "./saved-view.schema.ts";

describe("saved view input", () => {
  it("keeps the table's own keys without the page, and drops a leading ?", () => {
    const parsed = ZSaveViewInput.parse({
      table: "nodes",
      name: " Draining ",
      query: "?status=DRAINING&page=4&sort=hostname&dir=desc&q=gpu",
    });
    expect(parsed).toEqual({
      table: "nodes",
      name: "Draining",
      query: "status=DRAINING&sort=hostname&dir=desc&q=gpu",
    });
  });

  it("refuses a key the table does not understand, on the query field", () => {
    const result = ZSaveViewInput.safeParse({ table: "teams", name: "x", query: "status=ACTIVE" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["query"]);
  });

  it("refuses an unknown table, an empty name and a name over 60 characters", () => {
    expect(ZSaveViewInput.safeParse({ table: "gpus", name: "x", query: "" }).success).toBe(false);
    expect(ZSaveViewInput.safeParse({ table: "nodes", name: "   ", query: "" }).success).toBe(false);
    expect(ZSaveViewInput.safeParse({ table: "nodes", name: "x".repeat(61), query: "" }).success).toBe(false);
  });

  it("refuses a query over 2,000 characters", () => {
    const result = ZSaveViewInput.safeParse({ table: "nodes", name: "x", query: `q=${"a".repeat(2_000)}` });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["query"]);
  });

  it("strips what the console's URL holds but a view does not keep", () => {
    expect(savedViewQuery("audit", "page=2&objectType=Site&view=mine&action=")).toBe("objectType=Site");
  });

  it("keeps the filters each list input takes, read from the list's own declaration", () => {
    const inputs = {
      sites: ZListSitesInput,
      nodes: ZListNodesInput,
      datasets: ZListDatasetsInput,
      teams: ZListTeamsInput,
      workloads: ZListWorkloadsInput,
      approvals: ZListApprovalsInput,
      audit: ZListAuditInput,
    } as const;
    for (const [table, input] of Object.entries(inputs)) {
      const filters: readonly string[] = SAVED_VIEW_FILTERS[table as keyof typeof inputs];
      expect(Object.keys(input.shape)).toEqual(expect.arrayContaining([...filters]));
    }
    expect(SAVED_VIEW_FILTERS.nodes).toEqual(["siteId", "kind", "status", "gpuModel"]);
    // The delivery log's URL calls the input's webhookId "webhook".
    expect(SAVED_VIEW_FILTERS["webhook-deliveries"]).toEqual(["status", "webhook"]);
    expect(Object.keys(ZListWebhookDeliveriesInput.shape)).toEqual(
      expect.arrayContaining(["status", "webhookId"]),
    );
  });
});

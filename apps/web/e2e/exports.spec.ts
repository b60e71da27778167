import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/** Clicks the table's Export CSV link and returns the downloaded file's lines. */
async function downloadCsv(page: Page, table: string) {
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^switchyard-${table}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  return readFileSync(await download.path(), "utf8")
    .trim()
    .split("\n");
}

// pretrain-70b-r3 (demo seed) is a RUNNING training run of Foundation Models at Ashburn DC.
test("the workloads table exports its filtered rows as CSV", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/workloads?state=RUNNING&q=pretrain");
  await expect(page.getByRole("link", { name: "pretrain-70b-r3" })).toBeVisible();
  const lines = await downloadCsv(page, "workloads");
  expect(lines[0]).toBe(
    "id,name,state,state_reason,kind,team,site,environment,gpus,gpu_models,priority,submitted_at",
  );
  const row = lines.slice(1).find((line) => line.split(",")[1] === "pretrain-70b-r3");
  expect(row).toBeDefined();
  expect(row).toMatch(/,RUNNING,.*,TRAINING,Foundation Models,.*,H100,90,\d{4}-\d{2}-\d{2}T/);
  expect(lines.slice(1).every((line) => line.includes(",RUNNING,"))).toBe(true);
});

test("an ML engineer's workloads export holds only their teams' workloads", async ({ page }) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads?q=pretrain-70b");
  await expect(page.getByText("No workloads match")).toBeVisible();
  const lines = await downloadCsv(page, "workloads");
  expect(lines).toEqual([
    "id,name,state,state_reason,kind,team,site,environment,gpus,gpu_models,priority,submitted_at",
  ]);
});

test("a viewer asking for the audit export gets 403 with the one error body, not a file", async ({
  page,
}) => {
  await signInAs(page, "viewer@switchyard.demo");
  const response = await page.request.get("/api/export/audit");
  expect(response.status()).toBe(403);
  expect(await response.json()).toEqual({
    error: {
      code: "FORBIDDEN",
      message: expect.stringMatching(/^You are a viewer; only .* can export audit\.$/),
    },
  });
});

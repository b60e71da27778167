import { expect, test } from "@playwright/test";
import { signInAs } from "./helpers";

test("an engineer submits a training job on a dataset, reads the explanation, schedules it and tracks it to success", async ({
  page,
}) => {
  const name = `claims-train-${Date.now().toString(36)}`;
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads");
  await page.getByRole("link", { name: "Submit workload" }).click();

  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Team").selectOption({ label: "Health AI" });
  await page.getByLabel("GPUs", { exact: true }).fill("8");
  await page.getByLabel("Estimated hours").fill("12");
  await page.getByLabel("Dataset Insurance claims 2025").check();

  // The live preview follows the form: claims-2025 may only stay in the US.
  const preview = page.getByTestId("placement-preview");
  await expect(preview.getByTestId("preview-summary")).toContainText("sites fit");
  await expect(preview).toContainText("1. Ashburn DC (on-prem)");
  await expect(preview).toContainText("residency");

  await page.getByRole("button", { name: "Submit and place" }).click();
  await expect(page.getByRole("heading", { name: name })).toBeVisible();
  await expect(page.getByTestId("decision-summary")).toContainText("sites fit");
  await expect(page.getByTestId("candidate-row").first()).toContainText("Ashburn DC (on-prem)");

  await page.getByLabel("Why not").selectOption({ label: "Frankfurt DC (on-prem)" });
  await expect(page.getByTestId("why-not-answer")).toContainText(
    "outside the US residency of dataset Insurance claims 2025",
  );

  await page.getByRole("button", { name: "Schedule at Ashburn DC (on-prem)" }).click();
  await expect(page.getByRole("heading", { name })).toContainText("scheduled");
  await page.getByRole("button", { name: "Mark running" }).click();
  await expect(page.getByRole("heading", { name })).toContainText("running");
  await page.getByRole("button", { name: "Mark succeeded" }).click();
  await expect(page.getByRole("heading", { name })).toContainText("succeeded");

  const events = page.getByTestId("timeline-event");
  await expect(events).toHaveCount(4);
  await expect(events.nth(1)).toContainText("scheduled at Ashburn DC (on-prem) as recommended");
  await expect(events.nth(3)).toContainText("Eli Engineer");

  await page.goto(`/workloads?q=${name}`);
  await expect(page.getByTestId("workload-row")).toHaveCount(1);
  await expect(page.getByTestId("workload-row")).toContainText("succeeded");
});

test("a running workload offers only the steps its state allows", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/workloads?state=RUNNING&q=pretrain");
  await page.getByRole("link", { name: "pretrain-70b-r3" }).click();
  await expect(page.getByRole("button", { name: "Mark succeeded" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Mark running" })).toHaveCount(0);
});

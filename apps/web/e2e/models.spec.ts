import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("a model's lineage from its data to its run, the rules it inherited, and a declassification asked of the stewards", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/models");
  await expect(page.getByRole("heading", { name: "Models" })).toBeVisible();
  const row = page.getByTestId("model-row").filter({ hasText: "defect-detector" });
  await expect(row).toContainText("Factory defect images (EU)");
  await expect(row).toContainText("defect-detector-train");
  await row.getByRole("link", { name: "defect-detector", exact: true }).click();

  await expect(page.getByRole("heading", { name: "defect-detector v1" })).toBeVisible();
  await expect(page.getByTestId("produced-by")).toHaveText("defect-detector-train");
  await expect(page.getByTestId("trained-on")).toContainText("Factory defect images (EU)");
  await expect(page.getByTestId("model-rules")).toContainText("GDPR: Factory defect images (EU)");

  // Bad input is named on its field before anything is sent.
  await page.getByRole("button", { name: "Ask the stewards" }).click();
  await expect(page.getByText("Explain the declassification in at least 10 characters")).toBeVisible();
  await page.getByLabel("Classification it should have").selectOption("INTERNAL");
  await page
    .getByLabel("Why the model no longer carries its data's rules")
    .fill("Pixels only: no person or plant identifiers reach the weights.");
  await page.getByRole("button", { name: "Ask the stewards" }).click();
  await expect(page.getByText("Asked the stewards")).toBeVisible();
  await expect(page.getByTestId("declassifications")).toContainText("pending");
  // Nothing changes until the stewards approve.
  await expect(page.getByTestId("model-rules")).toContainText("Confidential");

  // The same lineage from the data's side.
  await page.goto("/datasets/dataset-factory-defects-eu");
  await page.getByTestId("trained-models").getByRole("link", { name: "defect-detector v1" }).click();
  await expect(page).toHaveURL(/\/models\/dataset-defect-detector-v1$/);
});

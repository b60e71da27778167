import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("the demo inference service is found from its model, and its page shows every region's coverage and the replicas holding GPUs", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  // From the model's side: the service that serves it.
  await page.goto("/models/dataset-defect-detector-v1");
  await page.getByRole("link", { name: "defect-detector-eu" }).click();
  await expect(page).toHaveURL(/\/services\/[^/]+$/);
  await expect(page.getByRole("heading", { name: "defect-detector-eu" })).toBeVisible();

  const plan = page.getByTestId("service-current");
  await expect(plan).toBeVisible();
  for (const region of ["eu-central", "eu-west"]) {
    const row = plan.getByTestId("region-row").filter({ hasText: region });
    await expect(row).toContainText("yes");
  }
  // Each replica is a workload holding real GPUs at a site inside the EU.
  const replicas = page.getByTestId("service-replica-row");
  await expect(replicas.first()).toBeVisible();
  const count = await replicas.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) await expect(replicas.nth(i)).toContainText(/\d+× /);

  // The list shows it with its coverage.
  await page.getByRole("link", { name: "All services" }).click();
  const row = page.getByTestId("service-row").filter({ hasText: "defect-detector-eu" });
  await expect(row).toContainText("2/2");
  await expect(row).toContainText("applies plans");
});

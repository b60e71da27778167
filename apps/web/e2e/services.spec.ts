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
  for (const region of ["eu-central", "eu-west", "eu-north"]) {
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
  await expect(row).toContainText("3/3");
  await expect(row).toContainText("applies plans");
});

test("a platform engineer creates a service through the form: bad input is named on its field, and the new service's page maps its regions and replicas", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/services");
  await page.getByRole("link", { name: "New service" }).click();
  await expect(page).toHaveURL(/\/services\/new$/);
  const form = page.getByRole("form", { name: "New service" });

  await form.getByLabel("Name", { exact: true }).fill("defect-detector-eu");
  await form.getByLabel("Team").selectOption({ label: "Vision at the Edge" });
  await form.getByLabel("Model").selectOption("dataset-defect-detector-v1");
  await form.getByLabel("Capacity (requests/s)").fill("80");
  // The user regions come from userRegion.list, with their labels.
  await form.getByLabel("User region 1").selectOption("eu-west");
  await form.getByLabel("Demand (requests/s) 1").fill("40");
  await form.getByLabel("Latency SLO (ms) 1").fill("40");
  await form.getByRole("button", { name: "Add a region" }).click();
  await form.getByLabel("User region 2").selectOption({ label: "Europe Central (Frankfurt) (eu-central)" });
  await form.getByLabel("Demand (requests/s) 2").fill("20");
  await form.getByLabel("Latency SLO (ms) 2").fill("40");

  // More replicas at least than at most: refused on the field, in the server's words, before any call.
  await form.getByLabel("Min replicas").fill("5");
  await form.getByLabel("Max replicas").fill("2");
  await form.getByRole("button", { name: "Create service" }).click();
  await expect(form.getByLabel("Min replicas")).toHaveAccessibleDescription(
    "The minimum number of replicas cannot exceed the maximum",
  );
  await expect(page).toHaveURL(/\/services\/new$/);

  // A name the team already uses: only the server knows; its error lands on the name field.
  await form.getByLabel("Min replicas").fill("1");
  await form.getByLabel("Max replicas").fill("4");
  await form.getByRole("button", { name: "Create service" }).click();
  await expect(form.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(
    /already has a service named defect-detector-eu/,
  );
  await expect(page).toHaveURL(/\/services\/new$/);

  await form.getByLabel("Name", { exact: true }).fill("defect-detector-canary");
  await form.getByRole("button", { name: "Create service" }).click();
  await expect(page).toHaveURL(/\/services\/(?!new$)[^/]+$/);
  await expect(page.getByRole("heading", { name: "defect-detector-canary" })).toBeVisible();

  // The proposal's coverage map: one circle per region, named for assistive technology with
  // its coverage in words, a marker per replica site, and lines from regions to their replicas.
  const map = page.getByTestId("service-proposal-map");
  await expect(map).toBeVisible();
  await expect(map.getByTestId("coverage-map")).toHaveAccessibleName(/coverage map of 2 user regions/);
  await expect(map.getByTestId("coverage-region")).toHaveCount(2);
  for (const region of ["eu-west", "eu-central"]) {
    const circle = map.getByRole("img", { name: new RegExp(`^${region} \\(`) });
    await expect(circle).toHaveCount(1);
    await expect(circle.locator("circle")).toHaveCount(1);
    // The circle's colour is the status the table shows for the region.
    const status = await circle.getAttribute("data-status");
    const row = page.getByTestId("service-proposal").getByTestId("region-row").filter({ hasText: region });
    await expect(row).toContainText(status === "covered" ? "yes" : String(status));
  }
  const sites = map.getByRole("img", { name: /^Replica site / });
  expect(await sites.count()).toBeGreaterThan(0);
  await expect(sites.first().locator("rect")).toHaveCount(1);
  expect(await map.getByTestId("coverage-line").count()).toBeGreaterThan(0);
  await expect(map.getByTestId("coverage-unplaced")).toHaveCount(0);
});

import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("a platform engineer asks what losing Ashburn's H100 pool does, shares it by link and plans the drain", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/");
  await page.getByRole("link", { name: "What-if" }).first().click();
  await expect(page.getByRole("heading", { name: "What-if" })).toBeVisible();

  await page.getByRole("button", { name: "New scenario" }).click();
  const form = page.getByRole("form", { name: "New scenario" });
  await form.getByLabel("Name").fill("Ashburn H100 maintenance");
  await form.getByLabel("Change 1: which nodes").selectOption("label");
  await form.getByLabel("At site (optional)").selectOption({ label: "Ashburn DC (on-prem)" });
  await form.getByLabel("Label", { exact: true }).fill("pool");
  await form.getByLabel("Value", { exact: true }).fill("H100");

  // The replay: the 16-node pretraining gang runs on that pool and must go elsewhere or stop;
  // nothing is saved yet and nothing in the estate changes.
  await form.getByRole("button", { name: "Run what-if" }).click();
  await expect(form.getByTestId("what-if-summary")).toContainText("workloads replayed");
  await expect(form.getByTestId("what-if-bound")).toContainText("Nothing in the estate changed");
  const moved = form.getByRole("row").filter({ hasText: "pretrain-70b-r3" });
  await expect(moved).toBeVisible();
  await expect(moved).toContainText("runs now at Ashburn DC (on-prem)");

  await form.getByRole("button", { name: "Save scenario" }).click();
  await expect(page).toHaveURL(/\/what-if\/[^/]+$/);
  const link = page.url();
  await expect(page.getByRole("heading", { name: "Ashburn H100 maintenance" })).toBeVisible();
  // Opened by link, it runs again on the current estate.
  await expect(page.getByRole("row").filter({ hasText: "pretrain-70b-r3" })).toBeVisible();

  await page.getByTestId("what-if-plan-drain").click();
  const dialog = page.getByRole("dialog", { name: "Plan the drain" });
  await expect(dialog).toContainText("DRAINING");
  await dialog.getByTestId("what-if-confirm-drain").click();
  await expect(page.getByText(/now DRAINING; \d+ workloads? must move/)).toBeVisible();
  await expect(page.getByText(/Turned into a planned drain on/)).toBeVisible();

  // The drained nodes are really DRAINING now.
  await page.goto("/nodes?status=DRAINING");
  await expect(
    page.getByRole("row").filter({ hasText: "Ashburn" }).filter({ hasText: "H100" }).first(),
  ).toBeVisible();

  // A viewer opens the same link: the result, but no drain.
  await page.context().clearCookies();
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Ashburn H100 maintenance" })).toBeVisible();
  await expect(page.getByTestId("what-if-result")).toBeVisible();
  await expect(page.getByTestId("what-if-plan-drain")).toHaveCount(0);
});

test("a platform engineer asks what a demand peak does to the demo inference service: the Services table names the region losing its SLO", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/what-if");
  await page.getByRole("button", { name: "New scenario" }).click();
  const form = page.getByRole("form", { name: "New scenario" });
  await form.getByLabel("Name").fill("EU line-camera peak");
  await form.getByLabel("Change 1: what changes").selectOption("service-demand");
  await form.getByLabel("Service", { exact: true }).selectOption({ label: "defect-detector-eu" });
  // The regions are the service's own, with today's demand and SLO.
  await form.getByLabel("User region").selectOption("eu-central");
  await expect(form.getByLabel("User region")).toContainText("eu-central (now 180 req/s within 8 ms)");
  await expect(form.getByLabel("New demand (req/s)")).toHaveValue("180");
  await form.getByLabel("New demand (req/s)").fill("720");

  await form.getByRole("button", { name: "Run what-if" }).click();
  await expect(form.getByTestId("what-if-services-summary")).toContainText("inference service");
  const services = form.getByRole("table", { name: "Services" });
  const row = services.getByRole("row").filter({ hasText: "defect-detector-eu" });
  await expect(row).toBeVisible();
  // 900 req/s need 15 replicas of 60 req/s; the service allows 12: one region loses its SLO, in the engine's words.
  await expect(row.getByTestId("what-if-service-lost")).toContainText(/eu-(central|west)/);
  await expect(row.getByTestId("what-if-service-lost")).toContainText("maxReplicas (12) reached");
  await expect(row.getByTestId("what-if-service-cost")).toContainText("$");

  // Saved, it opens by link with the same table.
  await form.getByRole("button", { name: "Save scenario" }).click();
  await expect(page).toHaveURL(/\/what-if\/[^/]+$/);
  await expect(page.getByRole("heading", { name: "EU line-camera peak" })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Services" }).getByRole("row").filter({ hasText: "defect-detector-eu" }),
  ).toContainText("maxReplicas (12) reached");
});

import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("a platform engineer asks what a Frankfurt A100 drain does, shares it by link and plans the drain", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/");
  await page.getByRole("link", { name: "What-if" }).first().click();
  await expect(page.getByRole("heading", { name: "What-if" })).toBeVisible();

  await page.getByRole("button", { name: "New scenario" }).click();
  const form = page.getByRole("form", { name: "New scenario" });
  await form.getByLabel("Name").fill("Frankfurt A100 maintenance");
  await form.getByLabel("Change 1: which nodes").selectOption("gpuModel");
  await form.getByLabel("At site (optional)").selectOption({ label: "Frankfurt DC (on-prem)" });
  await form.getByLabel("GPU model").selectOption("A100-80GB");

  // The replay: code-model-sft runs on those nodes and must go elsewhere; nothing is saved yet.
  await form.getByRole("button", { name: "Run what-if" }).click();
  await expect(form.getByTestId("what-if-summary")).toContainText("workloads replayed");
  await expect(form.getByTestId("what-if-bound")).toContainText("Nothing in the estate changed");
  const moved = form.getByRole("row").filter({ hasText: "code-model-sft" });
  await expect(moved).toBeVisible();
  await expect(moved).toContainText("Frankfurt DC (on-prem)");

  await form.getByRole("button", { name: "Save scenario" }).click();
  await expect(page).toHaveURL(/\/what-if\/[^/]+$/);
  const link = page.url();
  await expect(page.getByRole("heading", { name: "Frankfurt A100 maintenance" })).toBeVisible();
  // Opened by link, it runs again on the current estate.
  await expect(page.getByRole("row").filter({ hasText: "code-model-sft" })).toBeVisible();

  await page.getByTestId("what-if-plan-drain").click();
  const dialog = page.getByRole("dialog", { name: "Plan the drain" });
  await expect(dialog).toContainText("DRAINING");
  await dialog.getByTestId("what-if-confirm-drain").click();
  await expect(page.getByText(/now DRAINING; \d+ workloads? must move/)).toBeVisible();
  await expect(page.getByText(/Turned into a planned drain on/)).toBeVisible();

  // The drained nodes are really DRAINING now.
  await page.goto("/nodes?status=DRAINING");
  await expect(
    page.getByRole("row").filter({ hasText: "Frankfurt" }).filter({ hasText: "A100-80GB" }).first(),
  ).toBeVisible();

  // A viewer opens the same link: the result, but no drain.
  await page.context().clearCookies();
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Frankfurt A100 maintenance" })).toBeVisible();
  await expect(page.getByTestId("what-if-result")).toBeVisible();
  await expect(page.getByTestId("what-if-plan-drain")).toHaveCount(0);
});

import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("an admin edits the spend rule into a new version and reads its history", async ({ page }) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/policies");
  await expect(page.getByTestId("on-prem-only-note")).toContainText("hard block, not a rule");
  const row = page.getByTestId("policy-row").filter({ hasText: "spend-over-25k" });
  const version = Number(((await row.getByTestId("policy-version").textContent()) ?? "").replace("v", ""));

  await page.getByRole("button", { name: "Edit Spend over $25,000" }).click();
  const form = page.getByRole("form", { name: "Edit Spend over $25,000" });
  // A bad value is refused with the message next to its field, before anything is sent.
  await form.getByLabel("Threshold (USD)").fill("0");
  await form.getByRole("button", { name: `Save version ${version + 1}` }).click();
  await expect(form.getByText("The threshold must be more than $0")).toBeVisible();
  await expect(form.getByLabel("Threshold (USD)")).toHaveAttribute("aria-invalid", "true");
  // The message sits on its field, which has the focus: no banner.
  await expect(form.getByLabel("Threshold (USD)")).toBeFocused();
  await expect(page.getByTestId("form-error")).toHaveCount(0);

  await form.getByLabel("Threshold (USD)").fill("30000");
  await form.getByRole("button", { name: `Save version ${version + 1}` }).click();
  await expect(page.getByText(`Saved spend-over-25k as version ${version + 1}.`)).toBeVisible();
  await expect(row.getByTestId("policy-version")).toHaveText(`v${version + 1}`);
  await expect(row.getByTestId("policy-threshold")).toHaveText("$30,000.00");

  await row.getByRole("link", { name: `v${version + 1}` }).click();
  await expect(page.getByRole("heading", { name: "Spend over $25,000" })).toBeVisible();
  const entries = page.getByTestId("policy-version-entry");
  await expect(entries).toHaveCount(version + 1);
  const newest = page.getByRole("listitem", { name: `Version ${version + 1}` });
  await expect(newest.getByTestId("policy-diff")).toContainText("Threshold");
  await expect(newest.getByTestId("policy-diff")).toContainText("$30,000.00");
  await expect(page.getByRole("listitem", { name: "Version 1" })).toContainText("Created.");
});

test("the server's field errors reach the form: a rule key already in use", async ({ page }) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/policies");
  await page.getByRole("button", { name: "New rule" }).click();
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("Name").fill("A second spend rule");
  await form.getByLabel("Key").fill("spend-over-25k");
  await form.getByLabel("Threshold (USD)").fill("50000");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(
    form.getByText('A rule with the key "spend-over-25k" already exists; edit it instead.'),
  ).toBeVisible();
  await expect(form.getByLabel("Key")).toHaveAttribute("aria-invalid", "true");
});

test("an ML engineer reads the rules but cannot change them", async ({ page }) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/settings/policies");
  await expect(page.getByTestId("policy-row")).toHaveCount(5);
  await expect(page.getByTestId("on-prem-only-note")).toBeVisible();
  await expect(page.getByText("Only admins can change policy rules.")).toBeVisible();
  await expect(page.getByRole("button", { name: "New rule" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Edit|Disable|Enable) / })).toHaveCount(0);
});

test("a workload's evidence downloads as JSON and CSV, for those who may see the workload", async ({
  page,
}) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads/workload-claims-risk-model");
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download evidence as JSON" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(
    /^switchyard-evidence-claims-risk-model-\d{4}-\d{2}-\d{2}\.json$/,
  );
  const evidence = JSON.parse(readFileSync(await download.path(), "utf8"));
  expect(evidence.workload).toMatchObject({ name: "claims-risk-model", site: { slug: "dc-ashburn" } });
  expect(evidence.allocations).toHaveLength(4);
  expect(evidence.audit.verification.ok).toBe(true);

  // The page's cookies, straight at the route.
  const csv = await page.request.get("/api/workloads/workload-claims-risk-model/evidence?format=csv");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-disposition"]).toMatch(
    /filename="switchyard-evidence-claims-risk-model-.*\.csv"/,
  );
  const lines = (await csv.text()).trim().split("\n");
  expect(lines[0]).toBe(
    "section,time,end_time,subject,status,actor,site,jurisdiction,policy,gpus,bytes,usd,detail",
  );
  expect(lines.filter((l) => l.startsWith("allocation,"))).toHaveLength(4);

  const badFormat = await page.request.get("/api/workloads/workload-claims-risk-model/evidence?format=xml");
  expect(badFormat.status()).toBe(400);
  expect((await badFormat.json()).error.fields).toHaveProperty("format");

  // Another team's ML engineer gets what workload.byId gives them: not found.
  await page.context().clearCookies();
  await signInAs(page, "researcher@switchyard.demo");
  const hidden = await page.request.get("/api/workloads/workload-claims-risk-model/evidence?format=json");
  expect(hidden.status()).toBe(404);
});

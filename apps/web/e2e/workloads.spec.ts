import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("an engineer submits a job on regulated data, the steward approves it in the inbox, and it is scheduled and tracked to success", async ({
  page,
  browser,
}) => {
  const name = `claims-train-${Date.now().toString(36)}`;
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads");
  await page.getByRole("link", { name: "Submit workload" }).click();

  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Team").selectOption({ label: "Health AI" });
  await page.getByLabel("GPUs", { exact: true }).fill("8");
  await page.getByLabel("Estimated hours").fill("12");
  await page.getByRole("group", { name: "Datasets read" }).getByLabel("Insurance claims 2025").check();

  // The live preview follows the form: claims-2025 may only stay in the US.
  const preview = page.getByTestId("placement-preview");
  await expect(preview.getByTestId("preview-summary")).toContainText("sites fit");
  await expect(preview).toContainText("1. Ashburn DC (on-prem)");
  await expect(preview).toContainText("residency");
  // Before anything is saved, the recommendation says which approval it will need, and who decides.
  const STEWARD_NEEDED = "reads REGULATED dataset Insurance claims 2025 — its steward (Sam Steward)";
  const previewNeeds = preview.getByTestId("approval-needs").first();
  await expect(previewNeeds).toContainText("Needs approval");
  await expect(previewNeeds).toContainText(STEWARD_NEEDED);

  await page.getByRole("button", { name: "Submit and place" }).click();
  await expect(page.getByRole("heading", { name: name })).toBeVisible();
  await expect(page.getByTestId("decision-summary")).toContainText("sites fit");
  await expect(page.getByTestId("candidate-row").first()).toContainText("Ashburn DC (on-prem)");
  // The candidates' columns stay apart: headers and money figures once ran together
  // ("TotalScores (weight)", "$100.80$19.33$120.13").
  const gaps = await page.getByTestId("candidates").evaluate((table) => {
    const rows = [table.querySelector("thead tr"), table.querySelector("tbody tr")];
    return rows.flatMap((row) => {
      const extents = [...(row?.children ?? [])].map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const box = range.getBoundingClientRect();
        return { left: box.left, right: box.right };
      });
      return extents.slice(1).map((extent, i) => extent.left - (extents[i]?.right ?? 0));
    });
  });
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(8);

  await page.getByLabel("Why not").selectOption({ label: "Frankfurt DC (on-prem)" });
  await expect(page.getByTestId("why-not-answer")).toContainText(
    "outside the US residency of dataset Insurance claims 2025",
  );

  // claims-2025 is REGULATED: scheduling asks its steward first, and the button says so.
  await expect(page.getByTestId("candidate-approvals").first()).toContainText(STEWARD_NEEDED);
  const schedule = page.getByRole("button", { name: "Schedule at Ashburn DC (on-prem)" });
  await expect(schedule).toContainText(`Needs approval: ${STEWARD_NEEDED}`);
  await schedule.click();
  await expect(page.getByRole("heading", { name })).toContainText("awaiting approval");
  await expect(page.getByTestId("state-reason")).toContainText(
    "reads REGULATED dataset Insurance claims 2025",
  );
  await expect(page.getByTestId("workload-approvals")).toContainText("pending");

  const stewardContext = await browser.newContext();
  const steward = await stewardContext.newPage();
  await signInAs(steward, "steward@switchyard.demo");
  await expect(steward.getByTestId("nav-count-approvals")).toBeVisible();
  await steward.getByRole("link", { name: /^Approvals/ }).click();
  await steward.getByTestId("approvals-table").getByRole("link", { name }).click();
  await expect(steward.getByTestId("approval-datasets")).toContainText("Insurance claims 2025");
  await expect(steward.getByTestId("approval-datasets")).toContainText("REGULATED");
  await expect(steward.getByTestId("approval-jurisdiction")).toContainText("US");
  await expect(steward.getByTestId("approval-cost")).toContainText("$");
  await expect(steward.getByTestId("decision-summary")).toContainText("sites fit");
  await steward.getByLabel(/^Comment/).fill("HIPAA site in the US: approved.");
  await steward.getByRole("button", { name: "Approve" }).click();
  await expect(steward.getByRole("heading", { name: /Approval for/ })).toContainText("approved");
  await expect(steward.getByTestId("approval-step")).toContainText("Approved by Sam Steward");
  await stewardContext.close();

  await page.reload();
  await expect(page.getByRole("heading", { name })).toContainText("scheduled");
  await expect(page.getByTestId("state-reason")).toContainText("approved by steward@switchyard.demo");
  await page.getByRole("button", { name: "Mark running" }).click();
  await expect(page.getByRole("heading", { name })).toContainText("running");
  await page.getByRole("button", { name: "Mark succeeded" }).click();
  await expect(page.getByRole("heading", { name })).toContainText("succeeded");

  const events = page.getByTestId("timeline-event");
  await expect(events).toHaveCount(5);
  await expect(events.nth(1)).toContainText("waiting for approval");
  await expect(events.nth(2)).toContainText("scheduled at Ashburn DC (on-prem) as recommended");
  await expect(events.nth(4)).toContainText("Eli Engineer");

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

// shelf-detector-v2 (demo seed) is a SCHEDULED workload of the vision-edge team, whose ML
// engineer is Vic Vision; Sam Steward belongs to health-ai, and Val Viewer to no team. Nothing
// else in this file runs on its edge site, so its state holds.
async function openShelfDetector(page: Page) {
  await page.goto("/workloads?q=shelf-detector-v2");
  await page.getByRole("link", { name: "shelf-detector-v2" }).click();
  await expect(page.getByRole("heading", { name: /shelf-detector-v2/ })).toContainText("scheduled");
}

test("a viewer is told why they cannot submit, instead of getting a form that fails", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/workloads");
  const submit = page.getByRole("button", { name: "Submit workload" });
  await expect(submit).toBeDisabled();
  await expect(submit).toHaveAccessibleDescription(/viewer.*cannot submit/);
  await expect(page.getByRole("link", { name: "Submit workload" })).toHaveCount(0);

  await page.goto("/workloads/new");
  await expect(page.getByTestId("submit-refused")).toContainText("You are a viewer");
  await expect(page.getByLabel("Name")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Submit/ })).toHaveCount(0);
});

test("a viewer gets no Mark running or Cancel on a workload, and is told why", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await openShelfDetector(page);
  await expect(page.getByTestId("workload-actions-refused")).toContainText("you are a viewer");
  await expect(page.getByRole("button", { name: "Mark running" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});

test("a data steward gets no Mark running on another team's workload", async ({ page }) => {
  await signInAs(page, "steward@switchyard.demo");
  await openShelfDetector(page);
  await expect(page.getByTestId("workload-actions-refused")).toContainText("you are a data steward");
  await expect(page.getByRole("button", { name: "Mark running" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});

test("an ML engineer still gets Mark running and Cancel on their own team's workload", async ({ page }) => {
  await signInAs(page, "vision@switchyard.demo");
  await openShelfDetector(page);
  await expect(page.getByRole("button", { name: "Mark running" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Cancel" })).toBeEnabled();
  await expect(page.getByTestId("workload-actions-refused")).toHaveCount(0);
  await page.goto("/workloads/new");
  await expect(page.getByLabel("Name", { exact: true })).toBeVisible();
});

test("an empty GPU count is marked and focused, and the preview asks for it instead of showing an old answer", async ({
  page,
}) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads/new");
  const preview = page.getByTestId("placement-preview");
  await expect(preview.getByTestId("preview-summary")).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill(`gpu-check-${Date.now().toString(36)}`);
  await page.getByLabel("GPUs", { exact: true }).fill("");
  await expect(preview).toContainText("To see where this would run, fix: GPUs: Enter a whole number of GPUs");
  await expect(preview.getByTestId("preview-summary")).toHaveCount(0);

  await page.getByLabel("Estimated hours").focus();
  await page.getByRole("button", { name: "Submit and place" }).click();
  const gpus = page.getByLabel("GPUs", { exact: true });
  await expect(gpus).toHaveAttribute("aria-invalid", "true");
  await expect(gpus).toBeFocused();
  await expect(page.locator('[id="gpu.count-error"]')).toHaveText("Enter a whole number of GPUs");
  await expect(page.getByTestId("form-error")).toHaveCount(0);

  await gpus.fill("1.5");
  await page.getByRole("button", { name: "Submit and place" }).click();
  await expect(page.locator('[id="gpu.count-error"]')).toHaveText("Enter a whole number of GPUs");
});

test("100,000 estimated hours says the most it can be, next to the hours", async ({ page }) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads/new");
  // The team is chosen once the form's options arrive; a submit before that is refused for the team.
  await expect(page.getByLabel("Team", { exact: true })).not.toHaveValue("");
  await page.getByLabel("Name", { exact: true }).fill(`hours-check-${Date.now().toString(36)}`);
  await page.getByLabel("Estimated hours").fill("100000");
  await page.getByRole("button", { name: "Submit and place" }).click();
  await expect(page.locator('[id="estimatedHours-error"]')).toHaveText("At most 10,000 hours");
  await expect(page.getByLabel("Estimated hours")).toBeFocused();
  await expect(page.getByText("Enter the estimated hours")).toHaveCount(0);
});

/** An engineer submits a 1-GPU, 1-hour workload from the form; its page is open when this returns. */
async function submitOneGpuAsEngineer(page: Page, name: string) {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads/new");
  // The team is chosen once the form's options arrive; a submit before that is refused for the team.
  await expect(page.getByLabel("Team", { exact: true })).not.toHaveValue("");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("GPUs", { exact: true }).fill("1");
  await page.getByLabel("Estimated hours").fill("1");
  await page.getByRole("button", { name: "Submit and place" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
}

test("an override without a reason says so next to the reason field", async ({ page }) => {
  await submitOneGpuAsEngineer(page, `override-check-${Date.now().toString(36)}`);

  const actions = page.getByTestId("workload-actions");
  const site = actions.getByLabel("Override: run at");
  await site.selectOption({ index: 1 });
  await actions.getByRole("button", { name: "Schedule there" }).click();
  await expect(actions.locator("#override-reason-error")).toHaveText(
    "Explain the override in at least 10 characters",
  );
  await expect(actions.getByLabel("Reason (audited)")).toBeFocused();
  await expect(actions).not.toContainText('"code"');
  await expect(page.getByTestId("action-error")).toHaveCount(0);
});

test("a workload sent to a site ranked past the table's rows still shows that row, marked, to its engineer and its approver", async ({
  page,
  browser,
}) => {
  const name = `low-rank-${Date.now().toString(36)}`;
  await submitOneGpuAsEngineer(page, name);
  // Eight rows before scheduling: the stored candidates past them are only counted.
  await expect(page.getByTestId("candidate-row")).toHaveCount(8);
  await expect(page.getByTestId("candidate-chosen")).toHaveCount(0);

  // The lowest-ranked stored candidate, chosen by an override (as a batch's choice may be).
  const actions = page.getByTestId("workload-actions");
  const site = actions.getByLabel("Override: run at");
  const last = (await site.locator("option").last().textContent()) ?? "";
  const [, rank, siteName] = /^#(\d+) (.+)$/.exec(last.trim()) ?? [];
  expect(Number(rank)).toBeGreaterThan(8);
  await site.selectOption({ label: last.trim() });
  await actions.getByLabel("Reason (audited)").fill("closest to the team's data this week");
  await actions.getByRole("button", { name: "Schedule there" }).click();
  // An override waits for an admin's approval: the row shows the site asked for.
  await expect(page.getByRole("heading", { name })).toContainText("awaiting approval");

  const rows = page.getByTestId("candidate-row");
  await expect(rows).toHaveCount(9);
  const picked = rows.filter({ has: page.getByTestId("candidate-chosen") });
  await expect(picked).toHaveCount(1);
  await expect(picked).toContainText(siteName as string);
  await expect(picked.getByTestId("candidate-chosen")).toHaveText("asked for");
  await expect(picked.locator("td").first()).toHaveText(rank as string);
  await expect(rows.last()).toContainText(siteName as string);

  // The approver (overrides need an admin: demo rule placement-override) sees the same row on
  // the request, approves, and it becomes the chosen one.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAs(admin, "admin@switchyard.demo");
  await admin.goto("/approvals");
  await admin.getByTestId("approvals-table").getByRole("link", { name }).click();
  const asked = admin.getByTestId("candidate-row").filter({ has: admin.getByTestId("candidate-chosen") });
  await expect(asked).toContainText(siteName as string);
  await expect(asked.getByTestId("candidate-chosen")).toHaveText("asked for");
  await admin.getByLabel(/^Comment/).fill("Low-ranked on purpose: approved.");
  await admin.getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByRole("heading", { name: /Approval for/ })).toContainText("approved");
  await adminContext.close();

  await page.reload();
  await expect(page.getByRole("heading", { name })).toContainText("scheduled");
  const chosen = page.getByTestId("candidate-row").filter({ has: page.getByTestId("candidate-chosen") });
  await expect(chosen).toContainText(siteName as string);
  await expect(chosen.getByTestId("candidate-chosen")).toHaveText("chosen");
  await expect(page.getByTestId("candidate-row")).toHaveCount(9);
});

import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

// The demo activity leaves claims-anomaly-scan waiting for the steward (see packages/api/src/demo).
test("the steward rejects a request with a comment, and the engineer reads it on the workload", async ({
  page,
  browser,
}) => {
  await signInAs(page, "steward@switchyard.demo");
  await page.goto("/approvals");
  await expect(page.getByRole("tab", { name: "Waiting for me" })).toHaveAttribute("aria-selected", "true");
  await page.getByTestId("approvals-table").getByRole("link", { name: "claims-anomaly-scan" }).click();
  await expect(page.getByTestId("approval-summary")).toContainText(
    "reads REGULATED dataset Insurance claims 2025",
  );

  await page.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByText("Say why you reject it: the comment goes to the requester.")).toBeVisible();
  await page.getByLabel(/^Comment/).fill("Anomaly scans run on the de-identified extract.");
  await page.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByRole("heading", { name: /Approval for/ })).toContainText("rejected");
  await expect(page.getByTestId("decide-panel")).toHaveCount(0);

  const engineerContext = await browser.newContext();
  const engineer = await engineerContext.newPage();
  await signInAs(engineer, "engineer@switchyard.demo");
  await engineer.goto("/approvals");
  await expect(engineer.getByRole("tab", { name: "Requested by me" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  const row = engineer.getByTestId("approval-row").filter({ hasText: "claims-anomaly-scan" });
  await expect(row).toContainText("rejected");
  await row.getByRole("link", { name: "claims-anomaly-scan" }).click();
  await engineer
    .getByRole("heading", { name: /Approval for/ })
    .getByRole("link")
    .click();
  await expect(engineer.getByRole("heading", { name: "claims-anomaly-scan" })).toContainText("rejected");
  await expect(engineer.getByTestId("state-reason")).toContainText(
    "Anomaly scans run on the de-identified extract.",
  );
  await expect(engineer.getByTestId("state-reason")).toContainText("steward@switchyard.demo");
  await engineerContext.close();
});

test("an approver cannot decide what is not theirs, and a viewer only follows", async ({ page, browser }) => {
  // The platform engineer's override waits for an admin; the platform engineer sees why they cannot decide it.
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/approvals?view=open");
  await page.getByTestId("approvals-table").getByRole("link", { name: "embedding-refresh-eu" }).click();
  await expect(page.getByTestId("cannot-decide")).toContainText(
    "You asked for this; someone else must decide it.",
  );
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);

  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signInAs(viewer, "viewer@switchyard.demo");
  await expect(viewer.getByTestId("nav-count-approvals")).toHaveCount(0);
  await viewer.goto("/approvals");
  await expect(viewer.getByRole("tab", { name: "All pending" })).toHaveAttribute("aria-selected", "true");
  await viewer.getByTestId("approvals-table").getByRole("link", { name: "eu-support-assistant-ft" }).click();
  await expect(viewer.getByTestId("cannot-decide")).toContainText("Only a steward of");
  await expect(viewer.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await viewerContext.close();
});

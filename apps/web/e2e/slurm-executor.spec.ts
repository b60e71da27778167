import {
  slurmOptOut,
  slurmUnavailableReason,
  startSlurmCluster,
  type TSlurmCluster,
} from "../../../packages/api/test/support/slurm-cluster.ts";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

// A real Slurm cluster (see packages/api/test/support/slurm-cluster.ts); the console's own
// loop syncs it. Fails without Slurm unless SWITCHYARD_SKIP_SLURM=1 skips it explicitly.
const unavailable = slurmUnavailableReason();
let cluster: TSlurmCluster | undefined;

test.describe("Slurm executor", () => {
  test.skip(Boolean(unavailable) && slurmOptOut(), `SWITCHYARD_SKIP_SLURM=1: ${unavailable}`);

  test.beforeAll(async () => {
    if (unavailable) throw new Error(`Slurm is needed here: ${unavailable} (SWITCHYARD_SKIP_SLURM=1 skips)`);
    cluster = await startSlurmCluster();
  });
  test.afterAll(async () => {
    await cluster?.stop();
  });

  test("a platform engineer sets a site's Slurm executor, tests it, and sees Slurm's nodes", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const c = cluster as TSlurmCluster;
    const slug = `slurm-e2e-${Date.now().toString(36)}`;
    await signInAs(page, "platform@switchyard.demo");
    await page.goto("/sites/new");
    await page.getByLabel("Name").fill("E2E Slurm DC");
    await page.getByLabel("Slug").fill(slug);
    await page.getByLabel("Provider").fill("onprem");
    await page.getByLabel("Region").fill("eu-central");
    await page.getByLabel("Country").fill("DE");
    await page.getByLabel("Jurisdiction").fill("EU");
    await page.getByLabel("Latitude").fill("50.1");
    await page.getByLabel("Longitude").fill("8.7");
    await page.getByRole("button", { name: "Add a GPU price" }).click();
    await page.getByLabel("GPU model 1").selectOption("H200");
    await page.getByLabel("USD per GPU-hour 1").fill("2.10");
    await page.getByRole("button", { name: "Create site" }).click();
    await expect(page.getByRole("heading", { name: /E2E Slurm DC/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Executor: manual" })).toBeVisible();

    await page.getByRole("button", { name: "Change executor" }).click();
    await page.getByLabel("Executor kind").selectOption("SLURM");
    await page.getByLabel("slurmrestd URL").fill("ftp://nowhere");
    await page.getByLabel("Slurm user").fill("root");
    await page.getByLabel("Partition per GPU model").fill("H200=gpu");
    await page.getByRole("button", { name: "Save executor" }).click();
    await expect(page.locator("#executor-endpoint-error")).toContainText("An http:// or https:// URL");

    await page.getByLabel("slurmrestd URL").fill(c.restUrl);
    await page.getByLabel(/^Token/).fill(c.token);
    await page.getByRole("button", { name: "Save executor" }).click();
    await expect(page.getByRole("heading", { name: "Executor: Slurm" })).toBeVisible();
    const panel = page.getByTestId("site-executor");
    await expect(panel).toContainText("token stored (encrypted)");
    await expect(panel).not.toContainText(c.token);

    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("executor-test-result")).toHaveText("Slurm answers: 2 node(s)");

    // The console's loop (every 15 s) brings Slurm's nodes in.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("executor-nodes")).toContainText("gpu1");
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    await expect(page.getByTestId("executor-nodes")).toContainText("gpu2");
    await expect(page.getByTestId("executor-last-sync")).not.toHaveText("never");
    await expect(page.getByTestId("site-capacity")).toContainText("16 GPUs");
  });
});

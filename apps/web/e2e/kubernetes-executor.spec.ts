import { readFileSync } from "node:fs";
import { parse } from "yaml";
import {
  startKubeApiServer,
  type TKubeApiServer,
} from "../../../packages/api/test/support/kube-api-server.ts";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

// A local HTTPS server answering like a Kubernetes API server with Kueue (see
// packages/api/test/support/kube-api-server.ts): no Kubernetes runs here. The console's own
// loop (every 15 s) applies the Job to it and follows it.
let kube: TKubeApiServer | undefined;

test.describe("Kubernetes executor", () => {
  test.beforeAll(async () => {
    kube = await startKubeApiServer({ namespaces: ["ml-train"], localQueues: ["ml-train/ml-gpu"] });
  });
  test.afterAll(async () => {
    await kube?.stop();
  });

  test("an admin sets a site's Kubernetes executor, tests it, schedules work there and downloads the Job manifest", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const k = kube as TKubeApiServer;
    const name = `kube-e2e-${Date.now().toString(36)}`;
    await signInAs(page, "admin@switchyard.demo");
    await page.goto("/workloads");
    await page.getByRole("link", { name: "Submit workload" }).click();
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Team").selectOption({ label: "Applied ML" });
    await page.getByLabel("GPUs", { exact: true }).fill("1");
    await page.getByLabel("Estimated hours").fill("1");
    await page.getByLabel(/^Command/).fill("python train.py --epochs 1");
    await page.getByLabel(/^Container image/).fill("nvcr.io/nvidia/pytorch:25.01-py3");
    await page.getByRole("button", { name: "Submit and place" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByTestId("workload-image")).toHaveText("nvcr.io/nvidia/pytorch:25.01-py3");
    const workloadUrl = page.url();
    const schedule = page.getByRole("button", { name: /^Schedule at / });
    const siteName = ((await schedule.textContent()) ?? "").replace(/^Schedule at /, "").trim();

    // The recommended site gets a Kubernetes executor.
    await page.goto("/sites");
    await page.getByRole("link", { name: siteName, exact: true }).first().click();
    await expect(page.getByRole("heading", { name: "Executor: manual" })).toBeVisible();
    await page.getByRole("button", { name: "Change executor" }).click();
    await page.getByLabel("Executor kind").selectOption("KUBERNETES");
    await page.getByLabel("API server URL").fill("http://k8s.example.internal:6443");
    await page.getByLabel(/^Bearer token/).fill(k.token);
    await page.getByLabel(/^Namespace and LocalQueue per team/).fill("applied-ml=ml-train/ml-gpu");
    await page.getByRole("button", { name: "Save executor" }).click();
    await expect(page.locator("#executor-endpoint-error")).toContainText(
      "An https:// URL of the Kubernetes API server",
    );

    await page.getByLabel("API server URL").fill(k.url);
    await page.getByLabel(/^CA bundle/).fill(k.caBundle);
    await page.getByRole("button", { name: "Save executor" }).click();
    await expect(page.getByRole("heading", { name: "Executor: Kubernetes" })).toBeVisible();
    const panel = page.getByTestId("site-executor");
    await expect(panel).toContainText("bearer token stored (encrypted)");
    await expect(panel).not.toContainText(k.token);
    await expect(page.getByTestId("executor-teams")).toHaveText(
      "applied-ml → namespace ml-train, LocalQueue ml-gpu",
    );
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("executor-test-result")).toHaveText(
      "Kubernetes v1.34.2 answers; 1 team queue(s) found: applied-ml → ml-train/ml-gpu",
    );

    // Scheduled there, the console's loop applies the Job (server-side apply).
    await page.goto(workloadUrl);
    await page.getByRole("button", { name: `Schedule at ${siteName}` }).click();
    await expect(page.getByRole("heading", { name })).toContainText("scheduled");
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("external-job-id")).toContainText("ml-train/sy-");
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    const jobId = ((await page.getByTestId("external-job-id").textContent()) ?? "").trim();
    const jobName = jobId.split("/")[1] as string;
    await expect(page.getByTestId("external-job-command")).toContainText(
      `kubectl -n ml-train get job ${jobName}`,
    );
    expect(k.requests.some((r) => r.method === "PATCH" && r.query.fieldManager === "switchyard")).toBe(true);

    // Kueue admits it and the Job runs: the page follows.
    k.setState("ml-train", jobName, "job-running.json", "workload-admitted.json");
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("heading", { name })).toContainText("running");
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    await expect(page.getByTestId("external-job-state")).toContainText("Running");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("download-manifest").click(),
    ]);
    expect(download.suggestedFilename()).toBe(
      `switchyard-${workloadUrl.split("/").pop()}-job-${jobName}.yaml`,
    );
    const manifest = parse(readFileSync(await download.path(), "utf8"));
    expect(manifest).toMatchObject({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: jobName,
        namespace: "ml-train",
        labels: { "kueue.x-k8s.io/queue-name": "ml-gpu" },
      },
    });
    expect(manifest.spec.template.spec.containers[0].resources.limits).toEqual({ "nvidia.com/gpu": "1" });
  });
});

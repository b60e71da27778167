import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

const CATALOG = join(import.meta.dirname, "../../../packages/db/data/cloud-gpu-prices.csv");

test("a platform engineer creates a site and sees it on its page", async ({ page }) => {
  const slug = `dc-e2e-${Date.now().toString(36)}`;
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/sites");
  await page.getByRole("link", { name: "New site" }).click();

  // The form checks with the procedure's schema before anything is sent.
  await page.getByRole("button", { name: "Create site" }).click();
  // Each error sits next to its field and the first bad field has the focus: no banner.
  await expect(page.getByText("Use a two-letter ISO 3166-1 country code")).toBeVisible();
  await expect(page.getByLabel("Name")).toBeFocused();
  await expect(page.getByTestId("form-error")).toHaveCount(0);

  await page.getByLabel("Name").fill("E2E Lisbon DC");
  await page.getByLabel("Slug").fill(slug);
  await page.getByLabel("Provider").fill("onprem");
  await page.getByLabel("Region").fill("eu-south");
  await page.getByLabel("Country").fill("PT");
  await page.getByLabel("Jurisdiction").fill("EU");
  await page.getByLabel("Certifications").fill("ISO27001, GDPR");
  await page.getByLabel("Latitude").fill("38.72");
  await page.getByLabel("Longitude").fill("-9.14");
  await page.getByRole("button", { name: "Add a GPU price" }).click();
  await page.getByLabel("GPU model 1").selectOption("H100");
  await page.getByLabel("USD per GPU-hour 1").fill("1.95");
  await page.getByRole("button", { name: "Create site" }).click();

  await expect(page.getByRole("heading", { name: /E2E Lisbon DC/ })).toBeVisible();
  await expect(page.getByTestId("site-prices")).toContainText("$1.95");
  await expect(page.getByText("No GPU nodes at this site yet.")).toBeVisible();
});

test("the sites table filters and sorts on the server, keeps its state in the URL, and exports CSV", async ({
  page,
}) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/sites");
  await expect(page.getByTestId("site-map").locator("circle").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "New site" })).toHaveCount(0);

  await page.getByLabel("Environment").selectOption("CLOUD");
  await expect(page).toHaveURL(/kind=CLOUD/);
  await page.getByRole("button", { name: "Country" }).click();
  await expect(page).toHaveURL(/sort=country&dir=asc/);
  await page.getByRole("button", { name: "Country" }).click();
  await expect(page).toHaveURL(/sort=country&dir=desc/);
  const countries = async () =>
    (await page.getByTestId("site-row").locator("td:nth-child(5)").allTextContents()).map((t) =>
      t.slice(0, 2),
    );
  await expect.poll(async () => (await countries())[0]).toBe("US");
  const shown = await countries();
  expect(shown).toEqual([...shown].sort().reverse());

  // The view survives a reload from its URL.
  await page.reload();
  await expect(page.getByLabel("Environment")).toHaveValue("CLOUD");
  await expect(page.getByTestId("site-row").first()).toBeVisible();

  await page.getByLabel("Search sites").fill("frankfurt");
  await expect(page).toHaveURL(/q=frankfurt/);
  await expect(page.getByTestId("site-row")).toHaveCount(1);

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^switchyard-sites-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8")
    .trim()
    .split("\n");
  expect(csv[0]).toMatch(/^slug,name,kind/);
  expect(csv.slice(1).map((line) => line.split(",")[0])).toEqual(["aws-eu-central-1"]);
});

test("importing the cloud catalog previews first, then commits, and a second import has nothing to do", async ({
  page,
}) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/sites/import");
  await page.getByLabel("Catalog CSV file").setInputFiles(CATALOG);
  await expect(page.getByTestId("import-stage")).toHaveText("Preview ready: nothing written yet");
  const summary = page.getByTestId("import-summary");
  await expect(summary).toContainText("Rows read1,394");
  await expect(summary).toContainText("Sites to create61");

  await page.getByRole("button", { name: /^Import \d+ changes$/ }).click();
  await expect(page.getByTestId("import-done")).toContainText("61 sites created");

  await page.goto("/sites?kind=CLOUD");
  await expect(page.getByText("71 rows")).toBeVisible();

  await page.goto("/sites/import");
  await page.getByLabel("Catalog CSV file").setInputFiles(CATALOG);
  await expect(page.getByRole("button", { name: "Nothing to import" })).toBeDisabled();
});

test("a catalog with a bad row is refused with its line number", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/sites/import");
  const header = readFileSync(CATALOG, "utf8").split("\n")[0];
  await page.getByLabel("Catalog CSV file").setInputFiles({
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`${header}\naws,p5.48xlarge,H100,eight,80,192,2048,98.32,,us-east-1,,6,x,y\n`),
  });
  await expect(page.getByTestId("import-row-errors")).toContainText(
    "line 2: accelerator_count must be a number",
  );
  await expect(page.getByRole("button", { name: /Import/ })).toHaveCount(0);
});

test("a latitude out of range says the range next to the latitude", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/sites/new");
  await page.getByLabel("Latitude").fill("999");
  await page.getByRole("button", { name: "Create site" }).click();
  // The message is the one the latitude control names as its description.
  await expect(page.getByLabel("Latitude")).toHaveAttribute("aria-describedby", "latitude-error");
  await expect(page.locator("#latitude-error")).toHaveText("Latitude is between −90 and 90");
  await expect(page.getByText("Enter a latitude")).toHaveCount(0);
  await expect(page.getByText(/Too (big|small): expected/)).toHaveCount(0);
});

test("a catalog with several bad rows lists every problem with its line", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/sites/import");
  const header = readFileSync(CATALOG, "utf8").split("\n")[0];
  const good = "aws,p5.48xlarge,H100,8,80,192,2048,98.32,,us-east-1,,6,x,y";
  await page.getByLabel("Catalog CSV file").setInputFiles({
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(
      [
        header,
        "aws,p5.48xlarge,H100,8",
        good.replace(",8,80,", ",eight,80,"),
        good,
        good.replace(",98.32,", ",-1,"),
        "",
      ].join("\n"),
    ),
  });
  const errors = page.getByTestId("import-row-errors");
  await expect(errors).toContainText("3 problems in 3 rows");
  const items = page.getByTestId("import-error-list").locator("li");
  await expect(items).toHaveText([
    "line 2: has 4 values; the header has 14 columns",
    "line 3: accelerator_count must be a number",
    "line 5: price_per_hour must not be negative",
  ]);
  await expect(errors).not.toContainText("Invalid Record Length");
  await expect(page.getByRole("button", { name: /Import/ })).toHaveCount(0);
});

test("sites in one city are drawn apart on the map, and each circle opens its own site", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/sites");
  const links = page.getByTestId("site-map").locator("a");
  await expect(links.first()).toBeVisible();
  const circles = await links.evaluateAll((anchors) =>
    anchors.map((a) => {
      const c = a.querySelector("circle") as SVGCircleElement;
      return {
        name: a.getAttribute("aria-label") ?? "",
        x: c.cx.baseVal.value,
        y: c.cy.baseVal.value,
        r: c.r.baseVal.value,
      };
    }),
  );
  expect(circles.length).toBeGreaterThan(3);
  for (let i = 0; i < circles.length; i++)
    for (let j = i + 1; j < circles.length; j++) {
      const a = circles[i] as (typeof circles)[number];
      const b = circles[j] as (typeof circles)[number];
      expect(Math.hypot(a.x - b.x, a.y - b.y), `${a.name} and ${b.name} overlap`).toBeGreaterThanOrEqual(
        a.r + b.r,
      );
    }
  // Every circle opens the site it names, even the small one beside a big one.
  const smallest = [...circles].sort((a, b) => a.r - b.r)[0] as (typeof circles)[number];
  const box = await page.getByTestId("site-map").locator("svg").boundingBox();
  const viewBox = await page.getByTestId("site-map").locator("svg").getAttribute("viewBox");
  const width = Number(viewBox?.split(" ")[2]);
  const scale = (box?.width ?? 0) / width;
  await page.mouse.click((box?.x ?? 0) + smallest.x * scale, (box?.y ?? 0) + smallest.y * scale);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(smallest.name);
});

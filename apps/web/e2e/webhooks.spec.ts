import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

// A real receiver on this machine: the console's delivery loop POSTs to it.
type TReceived = { headers: IncomingHttpHeaders; body: string };
const received: TReceived[] = [];
let server: Server;
let receiverUrl: string;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/switchyard`;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("an admin adds a webhook, sees its secret once, and a test ping arrives signed", async ({ page }) => {
  const name = `E2E receiver ${Date.now().toString(36)}`;
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/webhooks");
  const tab = page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhooks" });
  await expect(tab).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "Delivery log" })).toBeVisible();

  // Create, first with a URL the server would refuse.
  await page.getByRole("button", { name: "New webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "New webhook" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Payload URL").fill("ftp://example.com/hooks");
  await dialog.getByRole("button", { name: "Create webhook" }).click();
  await expect(dialog.getByText("Use an http:// or https:// URL")).toBeVisible();
  await dialog.getByLabel("Payload URL").fill(receiverUrl);
  await expect(dialog.getByLabel("All events, including ones added later")).toBeChecked();
  await dialog.getByRole("button", { name: "Create webhook" }).click();

  // The secret, once.
  const reveal = page.getByRole("dialog", { name: "Webhook created" });
  await expect(reveal.getByText("you won't see this secret again")).toBeVisible();
  const secret = (await reveal.getByTestId("webhook-secret").textContent()) ?? "";
  expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  await reveal.getByRole("button", { name: "I have stored it" }).click();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
  const row = page.getByTestId("webhook-row").filter({ hasText: name });
  await expect(row).toContainText(`whsec_…${secret.slice(-4)}`);
  await expect(row).toContainText("All events");
  await expect(row).toContainText("enabled");
  expect(await page.content()).not.toContain(secret);

  // A test ping goes out through the delivery loop and succeeds.
  await row.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByText(`Test ping queued for ${name}`)).toBeVisible();
  const delivery = page
    .getByTestId("delivery-row")
    .filter({ hasText: name })
    .filter({ hasText: "webhook.ping" });
  await expect(delivery.getByTestId("delivery-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(delivery).toContainText("HTTP 204");
  await expect(delivery).toContainText("1 / 10");
  // Other events (the background loop moving workloads) may reach this all-events webhook too.
  await expect(row).toContainText(/[1-9]\d* · 0 · \d+/);

  // What arrived is signed with that secret over "<timestamp>.<body>".
  const ping = received.find((r) => r.headers["x-switchyard-event"] === "webhook.ping");
  if (!ping) throw new Error("the receiver got no ping");
  const timestamp = String(ping.headers["x-switchyard-timestamp"]);
  const expected = createHmac("sha256", secret).update(`${timestamp}.${ping.body}`).digest("hex");
  expect(ping.headers["x-switchyard-signature"]).toBe(`sha256=${expected}`);
  expect(Math.abs(Date.now() / 1_000 - Number(timestamp))).toBeLessThan(300);
  expect(ping.headers["user-agent"]).toBe("Switchyard-Webhooks/1");
  expect(JSON.parse(ping.body)).toMatchObject({
    id: ping.headers["x-switchyard-delivery"],
    type: "webhook.ping",
    data: { name, sentBy: "admin@switchyard.demo" },
  });

  // Redeliver sends the same delivery again; disabling the webhook stops tests.
  await delivery.getByRole("button", { name: "Redeliver" }).click();
  const pings = () => received.filter((r) => r.headers["x-switchyard-event"] === "webhook.ping");
  await expect.poll(() => pings().length, { timeout: 30_000 }).toBe(2);
  expect(new Set(pings().map((r) => r.headers["x-switchyard-delivery"])).size).toBe(1);
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  await expect(row.getByRole("button", { name: "Send test" })).toBeDisabled();
});

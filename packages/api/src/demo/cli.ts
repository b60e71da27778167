/**
 * switchyard-demo: after `switchyard-db setup` seeded the demo estate, plays the demo's
 * governance activity through the real services (see activity.ts). Does nothing on a
 * database that was not just seeded, or with SWITCHYARD_SEED=none.
 */
import { createDb, DatabaseSetupError, resolveDatabaseConfig } from "@switchyard/db";
import { seedDemoActivity } from "./activity.ts";

async function main() {
  if (process.env.SWITCHYARD_SEED === "none") return;
  const db = await createDb(resolveDatabaseConfig());
  try {
    const started = performance.now();
    const result = await seedDemoActivity(db.prisma);
    if (result.ran)
      console.log(
        `switchyard: played the demo's approvals (pending, approved, rejected) in ${Math.round(performance.now() - started)} ms`,
      );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  console.error(
    `switchyard: error: ${error instanceof DatabaseSetupError ? "" : "demo activity failed: "}${message}`,
  );
  process.exit(1);
});

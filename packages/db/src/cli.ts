/**
 * switchyard-db: migrate | seed | setup (migrate, then seed an empty database) | status.
 * Set-up problems print one line naming the problem and exit 1, never a stack trace.
 */
import { createDb } from "./client.ts";
import { describeDatabase, resolveDatabaseConfig } from "./config.ts";
import { DatabaseSetupError } from "./errors.ts";
import { getMigrationStatus, migrate } from "./migrate.ts";
import { DEMO_PASSWORD, DEMO_USERS, growEstate, SCALES, seedDemo } from "./seed/index.ts";

const COMMANDS = ["migrate", "seed", "setup", "status"] as const;
type TCommand = (typeof COMMANDS)[number];

async function main(command: TCommand): Promise<void> {
  const config = resolveDatabaseConfig();
  const db = await createDb(config);
  try {
    console.log(`switchyard: database: ${describeDatabase(config)}`);
    if (command === "status") {
      const status = await getMigrationStatus(db);
      console.log(
        `switchyard: migrations applied ${status.applied.length}, pending ${status.pending.length}`,
      );
      for (const name of status.pending) console.log(`  pending: ${name}`);
      if (!status.current) process.exitCode = 2;
      return;
    }
    if (command === "migrate" || command === "setup") {
      const { applied } = await migrate(db);
      console.log(
        `switchyard: ${applied.length === 0 ? "schema is up to date" : `applied ${applied.join(", ")}`}`,
      );
    }
    // SWITCHYARD_SEED=none keeps a production database free of demo users.
    const seedWanted = command === "seed" || (command === "setup" && process.env.SWITCHYARD_SEED !== "none");
    if (command === "setup" && !seedWanted) console.log("switchyard: seed skipped (SWITCHYARD_SEED=none)");
    if (seedWanted) {
      const result = await seedDemo(db);
      if (result.seeded) {
        console.log(
          `switchyard: seeded the demo estate (${result.sites} sites, ${result.nodes} GPU nodes, ${result.datasets} datasets, ${result.workloads} workloads) in ${result.ms} ms`,
        );
        console.log(
          `switchyard: demo sign-in (password "${DEMO_PASSWORD}"): ${DEMO_USERS.slice(0, 5)
            .map((u) => u.email)
            .join(", ")}`,
        );
      } else {
        console.log(`switchyard: seed skipped: ${result.reason}`);
      }
      // SWITCHYARD_SEED_SCALE=small|large grows the estate for load tests (500 sites, 50,000 nodes).
      const scaleName = process.env.SWITCHYARD_SEED_SCALE;
      if (scaleName) {
        const scale = SCALES[scaleName];
        if (!scale)
          throw new DatabaseSetupError(
            "SEED_FAILED",
            `SWITCHYARD_SEED_SCALE must be one of ${Object.keys(SCALES).join(", ")}, got "${scaleName}"`,
          );
        const grown = await growEstate(db, scale);
        console.log(
          `switchyard: grew the estate to "${scaleName}" (+${grown.sites} sites, +${grown.nodes} nodes, +${grown.datasets} datasets) in ${grown.ms} ms`,
        );
      }
    }
  } finally {
    await db.close();
  }
}

const command = process.argv[2];
if (!COMMANDS.includes(command as TCommand)) {
  console.error(`usage: switchyard-db <${COMMANDS.join("|")}>`);
  process.exit(64);
}
main(command as TCommand).catch((error: unknown) => {
  if (error instanceof DatabaseSetupError) {
    console.error(`switchyard: error: ${error.message}`);
  } else {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    console.error(`switchyard: unexpected error during ${command}: ${message}`);
    if (process.env.DEBUG) console.error(error);
  }
  process.exit(1);
});

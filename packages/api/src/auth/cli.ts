/**
 * switchyard-admin: the console's set-up and its first admin.
 *
 *   setup [--report <file>]         migrate; seed the demo on an empty database (unless
 *                                   SWITCHYARD_SEED=none) and play its approvals; create the
 *                                   admin SWITCHYARD_ADMIN_EMAIL names on a database without users
 *   create --email <email> [--name <name>]
 *                                   make a user an admin (created when missing) and print a
 *                                   one-time set-password link
 *
 * `npm run admin -- create --email you@example.com`. Problems print one line and exit 1.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  createDb,
  DatabaseSetupError,
  describeDatabase,
  migrate,
  resolveDatabaseConfig,
} from "@switchyard/db";
import { DEMO_USERS, seedDemo } from "@switchyard/db/seed";
import { seedDemoActivity } from "../demo/activity.ts";
import { AppError } from "../errors.ts";
import { createAdmin, SET_PASSWORD_TTL_MS, setPasswordLink } from "./admin.ts";

const say = (line: string) => console.log(`switchyard: ${line}`);
const consoleUrl = () => process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;

function printLink(result: { email: string; created: boolean; token: string }) {
  const hours = SET_PASSWORD_TTL_MS / 3_600_000;
  say(
    `${result.created ? "created the admin" : "made an admin of"} ${result.email}; set a password (once, within ${hours} h):`,
  );
  console.log(`\n    ${setPasswordLink(consoleUrl(), result.token)}\n`);
}

export type TSetupReport = { seededDemo: boolean; demoPresent: boolean; adminCreated: string | null };

async function setup(reportFile: string | undefined) {
  const config = resolveDatabaseConfig();
  const db = await createDb(config);
  const report: TSetupReport = { seededDemo: false, demoPresent: false, adminCreated: null };
  try {
    say(`database: ${describeDatabase(config)}`);
    const { applied } = await migrate(db);
    say(applied.length === 0 ? "schema is up to date" : `applied ${applied.join(", ")}`);
    // The first admin comes before the demo seed, which only seeds a database without users.
    const adminEmail = process.env.SWITCHYARD_ADMIN_EMAIL?.trim();
    if (adminEmail) {
      const admin = await createAdmin(db.prisma, { email: adminEmail, onlyIfNoUsers: true });
      if (admin) {
        printLink(admin);
        report.adminCreated = admin.email;
      }
    }
    if (process.env.SWITCHYARD_SEED === "none") say("seed skipped (SWITCHYARD_SEED=none)");
    else {
      const seeded = await seedDemo(db);
      if (seeded.seeded) {
        report.seededDemo = true;
        say(
          `seeded the demo estate (${seeded.sites} sites, ${seeded.nodes} GPU nodes, ${seeded.datasets} datasets, ${seeded.workloads} workloads) in ${seeded.ms} ms`,
        );
        const activity = await seedDemoActivity(db.prisma);
        if (activity.ran) say("played the demo's approvals (pending, approved, rejected)");
      }
    }
    const demoAdmin = await db.prisma.user.findUnique({
      where: { email: DEMO_USERS[0]?.email ?? "" },
      select: { passwordHash: true },
    });
    report.demoPresent = Boolean(demoAdmin?.passwordHash);
    if ((await db.prisma.user.count()) === 0)
      say(
        "the database has no users: set SWITCHYARD_ADMIN_EMAIL, or run `npm run admin -- create --email you@example.com`",
      );
  } finally {
    await db.close();
  }
  if (reportFile) writeFileSync(reportFile, JSON.stringify(report));
}

async function create(email: string | undefined, name: string | undefined) {
  if (!email)
    throw new AppError("INVALID_REQUEST", "missing --email", { userMessage: "give the admin's --email" });
  const db = await createDb(resolveDatabaseConfig());
  try {
    const result = await createAdmin(db.prisma, { email, name });
    if (result) printLink(result);
  } finally {
    await db.close();
  }
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: "string" }, name: { type: "string" }, report: { type: "string" } },
  });
  const command = positionals[0];
  if (command === "setup") return setup(values.report);
  if (command === "create" || command === "create-admin") return create(values.email, values.name);
  throw new AppError("INVALID_REQUEST", "unknown command", {
    userMessage: `usage: npm run admin -- create --email <email> [--name <name>]   (got "${positionals.join(" ")}")`,
  });
}

main().catch((error: unknown) => {
  const message =
    error instanceof AppError
      ? error.userMessage
      : error instanceof DatabaseSetupError
        ? error.message
        : `${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  console.error(`switchyard: error: ${message}`);
  process.exit(1);
});

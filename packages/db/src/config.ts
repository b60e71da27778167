import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { DatabaseSetupError } from "./errors.ts";

export type TDatabaseConfig = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

const ZPostgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
    } catch {
      return false;
    }
  });

/**
 * The checkout this process runs from: the nearest directory above the working directory
 * that holds prisma/schema.prisma (the console runs in apps/web, scripts at the root).
 */
export function findProjectRoot(from: string = process.cwd()): string | null {
  for (let dir = resolve(/*turbopackIgnore: true*/ from); ; dir = dirname(dir)) {
    if (existsSync(join(/*turbopackIgnore: true*/ dir, "prisma", "schema.prisma"))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** Where the embedded database and local secrets live: $SWITCHYARD_DATA_DIR or <project>/.data. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SWITCHYARD_DATA_DIR?.trim();
  if (fromEnv) return resolve(/*turbopackIgnore: true*/ fromEnv);
  return join(findProjectRoot() ?? process.cwd(), ".data");
}

/**
 * PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite database in
 * `$SWITCHYARD_DATA_DIR/pglite` (default `./.data/pglite`).
 */
export function resolveDatabaseConfig(env: NodeJS.ProcessEnv = process.env): TDatabaseConfig {
  const raw = env.DATABASE_URL;
  if (raw !== undefined && raw.trim() !== "") {
    const parsed = ZPostgresUrl.safeParse(raw);
    if (!parsed.success) {
      throw new DatabaseSetupError(
        "INVALID_URL",
        `DATABASE_URL is not a PostgreSQL URL (expected postgresql://user:password@host:5432/database), got "${redactUrl(raw)}"`,
      );
    }
    return { kind: "postgres", url: parsed.data };
  }
  return { kind: "pglite", dataDir: resolve(resolveDataDir(env), "pglite") };
}

/** The URL with its password masked, for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "*****";
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:*****@");
  }
}

export function describeDatabase(config: TDatabaseConfig): string {
  return config.kind === "postgres"
    ? `PostgreSQL at ${redactUrl(config.url)}`
    : `embedded PGlite database in ${config.dataDir}`;
}

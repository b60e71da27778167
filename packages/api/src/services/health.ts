import { type Db, getMigrationStatus } from "@switchyard/db";

export type THealth = {
  status: "ok" | "degraded";
  database: { kind: "postgres" | "pglite"; reachable: boolean; latencyMs: number | null; error?: string };
  migrations: { current: boolean; applied: number; pending: string[] } | null;
};

/** Liveness of the database and whether its schema is current, for GET /api/health. */
export async function checkHealth(getDb: () => Promise<Db>): Promise<THealth> {
  let db: Db;
  try {
    db = await getDb();
  } catch (error) {
    return {
      status: "degraded",
      database: {
        kind: process.env.DATABASE_URL ? "postgres" : "pglite",
        reachable: false,
        latencyMs: null,
        error: firstLine(error),
      },
      migrations: null,
    };
  }
  const started = performance.now();
  try {
    await db.withSession((session) => session.query("SELECT 1"));
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const status = await getMigrationStatus(db);
    return {
      status: status.current ? "ok" : "degraded",
      database: { kind: db.config.kind, reachable: true, latencyMs },
      migrations: { current: status.current, applied: status.applied.length, pending: status.pending },
    };
  } catch (error) {
    return {
      status: "degraded",
      database: { kind: db.config.kind, reachable: false, latencyMs: null, error: firstLine(error) },
      migrations: null,
    };
  }
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}

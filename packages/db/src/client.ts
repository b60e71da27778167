import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { describeDatabase, resolveDatabaseConfig, type TDatabaseConfig } from "./config.ts";
import { DatabaseSetupError } from "./errors.ts";
import { pgliteSession, pgSession, type SqlSession } from "./executor.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { listenOnPostgres, type TListener, type TListenHandlers } from "./listen.ts";
import { openPglite } from "./pglite.ts";

export type Db = {
  prisma: PrismaClient;
  config: TDatabaseConfig;
  /** Runs fn on one dedicated session (advisory locks, BEGIN/COMMIT, raw SQL). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL: LISTENs on `channel` on a dedicated connection, reconnecting when it drops,
   * until stopped or closed. PGlite: undefined (one process sees its own writes; nothing to hear).
   */
  listen(channel: string, handlers: TListenHandlers, options?: { retryMs?: number }): TListener | undefined;
  close(): Promise<void>;
};

export async function createDb(config: TDatabaseConfig = resolveDatabaseConfig()): Promise<Db> {
  if (config.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 15_000 });
    // A dropped idle connection must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    const withSession = async <T>(fn: (session: SqlSession) => Promise<T>) => {
      const client = await pool.connect().catch((error: unknown) => {
        throw toConnectError(config, error);
      });
      try {
        return await fn(pgSession(client));
      } finally {
        client.release();
      }
    };
    await withSession((session) => session.query("SELECT 1"));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const listeners = new Set<TListener>();
    return {
      prisma,
      config,
      withSession,
      listen: (channel, handlers, options) => {
        const listener = listenOnPostgres(config.url, channel, handlers, options);
        listeners.add(listener);
        return {
          get backendPid() {
            return listener.backendPid;
          },
          stop: () => {
            listeners.delete(listener);
            return listener.stop();
          },
        };
      },
      close: async () => {
        await Promise.all([...listeners].map((listener) => listener.stop()));
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const { db, close } = await openPglite(config.dataDir);
  const session = pgliteSession(db);
  // PGlite has one connection: sessions queue behind each other.
  let queue: Promise<unknown> = Promise.resolve();
  const withSession = <T>(fn: (session: SqlSession) => Promise<T>): Promise<T> => {
    const run = queue.then(() => fn(session));
    queue = run.catch(() => {});
    return run;
  };
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    prisma,
    config,
    withSession,
    listen: () => undefined,
    close: async () => {
      await prisma.$disconnect();
      await close();
    },
  };
}

function toConnectError(config: TDatabaseConfig, error: unknown): DatabaseSetupError {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new DatabaseSetupError("UNREACHABLE", `Cannot reach ${describeDatabase(config)}: ${reason}`, {
    cause: error,
  });
}

const globalForDb = globalThis as unknown as { switchyardDb?: Promise<Db> };

/**
 * The process-wide database: one PGlite instance per process and data directory, or one
 * PostgreSQL pool. Kept on globalThis so Next.js dev reloads reuse it.
 */
export function getDb(): Promise<Db> {
  if (!globalForDb.switchyardDb) {
    globalForDb.switchyardDb = createDb().catch((error: unknown) => {
      globalForDb.switchyardDb = undefined;
      throw error;
    });
  }
  return globalForDb.switchyardDb;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await getDb()).prisma;
}

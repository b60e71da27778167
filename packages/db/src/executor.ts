import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/**
 * One database session for raw SQL (migrations, health checks, advisory locks). Statements
 * run one after another on the same connection, so BEGIN/COMMIT and session locks hold.
 */
export type SqlSession = {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
};

export function pgSession(client: pg.PoolClient | pg.Client): SqlSession {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

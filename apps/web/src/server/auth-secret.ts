import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { resolveDataDir } from "@switchyard/db";

let cached: string | undefined;

/**
 * NEXTAUTH_SECRET when set; otherwise a random secret created once and kept in the data
 * directory, so `npm start` needs no configuration and sessions survive restarts.
 */
export function getAuthSecret(): string {
  if (cached) return cached;
  const fromEnv = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (fromEnv) {
    cached = fromEnv;
    return cached;
  }
  const dir = resolveDataDir();
  const file = join(dir, "auth-secret");
  mkdirSync(dir, { recursive: true });
  try {
    const fd = openSync(file, "wx", 0o600);
    writeSync(fd, randomBytes(32).toString("base64url"));
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  cached = readFileSync(file, "utf8").trim();
  return cached;
}

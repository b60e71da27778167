import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { DatabaseSetupError } from "./errors.ts";

/**
 * PGlite keeps no lock of its own, and two processes writing one data directory corrupt
 * it. A pid file next to the directory makes the second opener fail with a clear message.
 */
function acquireDirLock(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseSetupError(
          "DATA_DIR_LOCKED",
          `The embedded database in ${dataDir} is in use by process ${holder}; stop that process or set SWITCHYARD_DATA_DIR to another directory`,
        );
      }
      // A stale lock from a process that is gone: take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseSetupError("DATA_DIR_LOCKED", `Could not lock the embedded database in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function openPglite(dataDir: string): Promise<{ db: PGlite; close: () => Promise<void> }> {
  const release = acquireDirLock(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
    await db.query("SELECT 1");
  } catch (error) {
    release();
    if (error instanceof DatabaseSetupError) throw error;
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new DatabaseSetupError(
      "DATA_DIR_CORRUPT",
      `The embedded database in ${dataDir} cannot be opened (${reason || "unreadable data"}); move the directory away to start afresh, or set SWITCHYARD_DATA_DIR`,
      { cause: error },
    );
  }
  const onExit = () => release();
  process.once("exit", onExit);
  return {
    db,
    close: async () => {
      process.off("exit", onExit);
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}

import type { Db } from "@switchyard/db";
import { ZodError } from "zod";
import type { TSessionUser } from "../src/auth/session.ts";
import { AppError } from "../src/errors.ts";

/** The demo seed's users, as their sessions carry them. */
export const USERS = {
  admin: { id: "user-admin", email: "admin@switchyard.demo", name: "Ada Admin", role: "ADMIN" },
  platform: {
    id: "user-platform",
    email: "platform@switchyard.demo",
    name: "Pat Platform",
    role: "PLATFORM_ENGINEER",
  },
  steward: {
    id: "user-steward",
    email: "steward@switchyard.demo",
    name: "Sam Steward",
    role: "DATA_STEWARD",
  },
  engineer: {
    id: "user-engineer",
    email: "engineer@switchyard.demo",
    name: "Eli Engineer",
    role: "ML_ENGINEER",
  },
  viewer: { id: "user-viewer", email: "viewer@switchyard.demo", name: "Val Viewer", role: "VIEWER" },
} satisfies Record<string, TSessionUser>;

export type TCaughtError = {
  code: string;
  message: string;
  /** The field an AppError is about, or the paths of a zod error's issues. */
  fields: string[];
};

/** The tRPC error a call fails with, reduced to what a client sees: code, message, fields. */
export async function errorOf(call: Promise<unknown>): Promise<TCaughtError> {
  const error = await call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e as { code: string; message: string; cause?: unknown },
  );
  const cause = error.cause;
  const fields =
    cause instanceof ZodError
      ? [...new Set(cause.issues.map((i) => i.path.join(".")))].sort()
      : cause instanceof AppError && cause.field
        ? [cause.field]
        : [];
  return { code: error.code, message: error.message, fields };
}

/** Audit events written for an object (optionally of one action). */
export function auditCount(db: Db, objectId: string, action?: string) {
  return db.prisma.auditEvent.count({ where: { objectId, ...(action ? { action } : {}) } });
}

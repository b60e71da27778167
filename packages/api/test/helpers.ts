import type { Db } from "@switchyard/db";
import { ZodError } from "zod";
import type { TSessionUser } from "../src/auth/session.ts";
import { AppError } from "../src/errors.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";

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

const approve = createCallerFactory(appRouter);

/**
 * Decides every step of a workload's pending approval request as the first demo user the
 * step accepts (never the requester), as an approver would in the inbox. Returns the
 * approvers' emails in step order.
 */
export async function approveAll(db: Db, workloadId: string): Promise<string[]> {
  const request = await db.prisma.approvalRequest.findFirstOrThrow({
    where: { workloadId, status: "PENDING" },
  });
  const approvers: string[] = [];
  for (;;) {
    const current = await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: request.id } });
    if (current.status !== "PENDING") return approvers;
    let decided = false;
    for (const user of Object.values(USERS)) {
      const api = approve(createInnerContext({ prisma: db.prisma, user }));
      const view = await api.approval.byId({ id: request.id }).catch(() => null);
      if (!view?.canDecide.ok) continue;
      await api.approval.decide({ id: request.id, verdict: "APPROVE" });
      approvers.push(user.email);
      decided = true;
      break;
    }
    if (!decided) throw new Error(`no demo user may decide the current step of ${request.id}`);
  }
}

/**
 * Every node that holds more GPUs than it has, or whose count disagrees with its active
 * allocations, described; empty when capacity is consistent.
 */
export async function overAllocations(db: Db): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ id: string; count: number; allocated: number; held: bigint }[]>`
    SELECT n."id", n."gpuCount" AS count, n."gpuAllocated" AS allocated, COALESCE(SUM(a."gpus"), 0) AS held
      FROM "GpuNode" n
      LEFT JOIN "Allocation" a ON a."nodeId" = n."id" AND a."status" = 'ACTIVE'
     GROUP BY n."id"
    HAVING COALESCE(SUM(a."gpus"), 0) > n."gpuCount" OR COALESCE(SUM(a."gpus"), 0) <> n."gpuAllocated"`;
  return rows.map((r) => `${r.id}: ${r.held} GPUs held, ${r.allocated} allocated of ${r.count}`);
}

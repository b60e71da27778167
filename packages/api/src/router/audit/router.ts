import { AUDIT_READER_ROLES } from "../../auth/rules.ts";
import { ZNoInput } from "../../lib/input.ts";
import { outputOf, ZAuditEvent, ZAuditVerify, ZPageOf } from "../../rest/outputs.ts";
import { listAuditEvents, verifyAudit } from "../../services/audit.ts";
import { createTRPCRouter, roleProcedure } from "../../trpc.ts";
import { ZListAuditInput } from "./audit.schema.ts";

// Before/after snapshots can hold anything the estate holds: readers are the roles that run it.
const auditReaderProcedure = roleProcedure(...AUDIT_READER_ROLES);

export const auditRouter = createTRPCRouter({
  list: auditReaderProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/audit/events",
        tags: ["Audit"],
        summary: "List audit events",
        description:
          "Every change, newest first; filter by object and action. Admins, platform engineers and data stewards.",
      },
    })
    .output(outputOf<typeof listAuditEvents>(ZPageOf(ZAuditEvent)))
    .input(ZListAuditInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.prisma, input)),
  verify: auditReaderProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/audit/verify",
        tags: ["Audit"],
        summary: "Verify the audit chain",
        description:
          "Recomputes the hash chain; `ok` is false with the first broken event when something was altered.",
      },
    })
    .input(ZNoInput)
    .output(outputOf<typeof verifyAudit>(ZAuditVerify))
    .mutation(({ ctx }) => verifyAudit(ctx.prisma)),
});

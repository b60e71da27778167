import { listAuditEvents, verifyAudit } from "../../services/audit.ts";
import { createTRPCRouter, roleProcedure } from "../../trpc.ts";
import { ZListAuditInput } from "./audit.schema.ts";

// Before/after snapshots can hold anything the estate holds: readers are the roles that run it.
const auditReaderProcedure = roleProcedure("ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD");

export const auditRouter = createTRPCRouter({
  list: auditReaderProcedure
    .input(ZListAuditInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.prisma, input)),
  verify: auditReaderProcedure.mutation(({ ctx }) => verifyAudit(ctx.prisma)),
});

import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";

/** inbox: waiting for me · open: every pending request · decided: closed ones · mine: ones I asked for. */
export const APPROVAL_VIEWS = ["inbox", "open", "decided", "mine"] as const;
export type TApprovalView = (typeof APPROVAL_VIEWS)[number];

export const ZApprovalStatus = z.enum(["PENDING", "APPROVED", "REJECTED", "EXPIRED", "CANCELLED"]);

export const ZListApprovalsInput = ZPageInput(["createdAt"], "createdAt")
  .pick({ page: true, pageSize: true, limit: true, cursor: true })
  .extend({
    view: z.enum(APPROVAL_VIEWS).default("inbox"),
    status: ZApprovalStatus.optional(),
  });
export const APPROVAL_FILTERS = filterKeys(ZListApprovalsInput.pick({ view: true, status: true }));

export const ZApprovalId = z.object({ id: zId("Request id") });

export const ZDecideInput = z
  .object({
    id: zId("Request id"),
    verdict: z.enum(["APPROVE", "REJECT"], { message: "Approve or reject." }),
    comment: z.string().trim().max(2_000, "Keep the comment under 2,000 characters.").optional(),
  })
  .refine((v) => v.verdict === "APPROVE" || (v.comment ?? "").length > 0, {
    message: "Say why you reject it: the comment goes to the requester.",
    path: ["comment"],
  });
export type TDecideFormInput = z.input<typeof ZDecideInput>;

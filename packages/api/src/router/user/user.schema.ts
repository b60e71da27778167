import { z } from "zod";
import { ZRole } from "../../auth/session.ts";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";

export const ZUserId = zId("User id");

const ZTeamIds = z
  .array(zId("Team id"), { error: "Teams must be a list of team ids" })
  .max(50, "At most 50 teams")
  .refine((ids) => new Set(ids).size === ids.length, "Each team once");

/** A person invited by an admin: they set their password through a one-time link (or sign in with SSO). */
export const ZInvitePersonInput = z.strictObject({
  email: z
    .string({ error: typeMessage("Enter an email address") })
    .trim()
    .toLowerCase()
    .max(254, "An email address has at most 254 characters")
    .pipe(z.email("Enter an email address such as ada@example.com")),
  name: z
    .string({ error: typeMessage("Enter a name") })
    .trim()
    .min(1, "Enter a name")
    .max(120, "A name has at most 120 characters"),
  role: ZRole,
  teamIds: ZTeamIds.default([]),
});
export type TInvitePersonInput = z.infer<typeof ZInvitePersonInput>;

export const ZSetTeamsInput = z.strictObject({ userId: ZUserId, teamIds: ZTeamIds });
export type TSetTeamsInput = z.infer<typeof ZSetTeamsInput>;

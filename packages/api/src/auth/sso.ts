import type { PrismaClient } from "@switchyard/db";
import type { TSignedIn } from "./sign-in.ts";

/** Finds the user an SSO sign-in belongs to; SSO never creates accounts on its own. */
export async function findUserForSso(prisma: PrismaClient, email: string): Promise<TSignedIn | null> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}

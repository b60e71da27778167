// GET|POST /api/auth/* – next-auth: sign-in, sign-out, session, SSO callbacks
import NextAuth from "next-auth";
import { getAuthOptions } from "~/server/auth";

export const dynamic = "force-dynamic";

async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(await getAuthOptions())(request, context);
}

export { handler as GET, handler as POST };

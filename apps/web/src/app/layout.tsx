import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "~/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Switchyard", template: "%s · Switchyard" },
  description: "Decide, explain and track where every AI workload runs.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Set by src/proxy.ts with the Content-Security-Policy; reading it renders every page per
  // request, which nonces need (a page built ahead of time has no nonce to give).
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen antialiased">
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}

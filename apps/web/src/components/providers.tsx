"use client";

import { ThemeProvider } from "next-themes";
import type { ReactNode } from "react";
import { z } from "zod";
import { TRPCReactProvider } from "~/trpc/react";

// zod 4 probes whether it may compile parsers with `new Function`; under the console's CSP
// (no 'unsafe-eval') that probe is a violation report on every page. Interpreted parsing is
// fast enough for forms.
z.config({ jitless: true });

/** `nonce`: this request's CSP nonce, for next-themes' inline script that sets the theme before paint. */
export function Providers({ children, nonce }: { children: ReactNode; nonce?: string }) {
  return (
    <ThemeProvider
      attribute="class"
      defaultTheme="system"
      enableSystem
      disableTransitionOnChange
      nonce={nonce}
    >
      <TRPCReactProvider>{children}</TRPCReactProvider>
    </ThemeProvider>
  );
}

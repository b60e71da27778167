"use client";

import Script from "next/script";
import { useEffect, useRef, useState } from "react";

type TScalar = {
  createApiReference: (element: HTMLElement, config: Record<string, unknown>) => { destroy?: () => void };
};

/** Scalar's renderer, loaded from this server, on the document this server generates. */
export function ApiReference() {
  const container = useRef<HTMLDivElement>(null);
  const [isLoaded, setIsLoaded] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const Scalar = (window as unknown as { Scalar?: TScalar }).Scalar;
    if (!isLoaded || !Scalar || !container.current) return;
    const app = Scalar.createApiReference(container.current, {
      url: "/api/v1/openapi.json",
      withDefaultFonts: false,
      hideClientButton: true,
      telemetry: false,
      authentication: { preferredSecurityScheme: "bearerAuth" },
    });
    return () => app.destroy?.();
  }, [isLoaded]);

  return (
    <>
      <Script
        src="/api/reference/scalar.js"
        strategy="afterInteractive"
        onReady={() => setIsLoaded(true)}
        onError={() => setFailed(true)}
      />
      {failed ? (
        <p className="text-sm text-status-bad">
          The reference renderer did not load. The document itself is at{" "}
          <a className="underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>
          .
        </p>
      ) : isLoaded ? null : (
        <p className="text-sm text-muted">Loading the API reference…</p>
      )}
      <div
        ref={container}
        data-testid="api-reference"
        className="rounded-lg border border-border bg-surface"
      />
    </>
  );
}

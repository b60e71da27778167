"use client";

import { OneTimeSecret } from "~/components/one-time-secret";

/** A new API token, shown once, with a copy button and how to use it. */
export function TokenReveal({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      testId="token-reveal"
      valueTestId="token-secret"
      title={
        <>
          API token <span className="font-medium">{name}</span>:
        </>
      }
      secret={secret}
      warning={
        <>
          Store it now: <strong>you won't see this token again</strong>. Switchyard keeps only a hash of it.
        </>
      }
      onDone={onDone}
    >
      Send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to{" "}
      <code className="font-mono">/api/v1</code>, or run <code className="font-mono">switchyard login</code>.
    </OneTimeSecret>
  );
}

"use client";

import { OneTimeSecret } from "~/components/one-time-secret";

/** A signing secret, shown once after create or rotate, with a copy button. */
export function SecretReveal({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      testId="webhook-secret-reveal"
      valueTestId="webhook-secret"
      title={
        <>
          Signing secret of <span className="font-medium">{name}</span>:
        </>
      }
      secret={secret}
      warning={
        <>
          Store it in your receiver now: <strong>you won't see this secret again</strong>. If it is lost,
          rotate the secret to get a new one.
        </>
      }
      onDone={onDone}
    >
      To verify a request, compute HMAC-SHA256 with this secret over{" "}
      <code className="font-mono">{"<X-Switchyard-Timestamp>.<raw body>"}</code> and compare it, in constant
      time, with the hex after <code className="font-mono">sha256=</code> in{" "}
      <code className="font-mono">X-Switchyard-Signature</code>; refuse timestamps older than 5 minutes.
    </OneTimeSecret>
  );
}

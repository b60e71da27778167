import { getSecretBox } from "../lib/secrets.ts";

/**
 * Executor credentials (Slurm JWTs) are stored encrypted (AES-256-GCM, see lib/secrets.ts)
 * and bound to their purpose; they are decrypted only to call the scheduler.
 */
export const sealCredential = (plaintext: string) =>
  getSecretBox().encrypt(plaintext, "executor.credentials");
export const openCredential = (stored: string) => getSecretBox().decrypt(stored, "executor.credentials");

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { resolveDataDir } from "@switchyard/db";

/**
 * Secrets stored in the database (webhook signing secrets, executor credentials) are
 * encrypted at rest with AES-256-GCM, so a database dump or backup alone does not hand them
 * out. A stored value reads
 *
 *   enc:v1:<key id>:<iv>:<ciphertext><tag>      (iv and the rest base64url)
 *
 * "v1" is the format; the key id (the first 8 bytes of SHA-256 of the key, hex) says which
 * key encrypted it, so keys can rotate: set the new key as SWITCHYARD_SECRET_KEY, the old
 * one in SWITCHYARD_SECRET_KEY_PREVIOUS, and run `reencryptStoredSecrets` (the
 * `secrets reencrypt` command); afterwards the previous key can go. A value without the
 * prefix is a row written before encryption existed: it is read as it is and re-encrypted
 * by the next re-encryption or delivery (see needsReencryption).
 *
 * Each value is bound to its purpose (GCM's additional data, e.g. "webhook.secret"), so a
 * ciphertext copied into another kind of column does not decrypt there.
 */
const FORMAT = "enc:v1:";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const SECRET_KEY_ENV = "SWITCHYARD_SECRET_KEY";
export const SECRET_KEY_PREVIOUS_ENV = "SWITCHYARD_SECRET_KEY_PREVIOUS";
export const SECRET_KEY_FILE = "secret-key";

export type TSecretPurpose = "webhook.secret" | "executor.credentials";

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 16);

export class SecretBox {
  readonly currentKeyId: string;
  private readonly current: Buffer;
  private readonly keys: Map<string, Buffer>;

  /** `current` encrypts; it and every `previous` key decrypt. Keys are 32 bytes. */
  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) throw new SecretKeyError(`a secret key must be ${KEY_BYTES} bytes`);
    }
    this.current = current;
    this.currentKeyId = keyIdOf(current);
    this.keys = new Map([...previous, current].map((key) => [keyIdOf(key), key]));
  }

  encrypt(plaintext: string, purpose: TSecretPurpose): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}${this.currentKeyId}:${iv.toString("base64url")}:${body.toString("base64url")}`;
  }

  /** The plaintext; throws SecretKeyError when the key is unknown or the value was tampered with. */
  decrypt(stored: string, purpose: TSecretPurpose): string {
    if (!isEncrypted(stored)) return stored;
    const [keyId, ivText, bodyText] = stored.slice(FORMAT.length).split(":");
    const key = keyId ? this.keys.get(keyId) : undefined;
    if (!key || !ivText || !bodyText) {
      throw new SecretKeyError(
        `a stored secret was encrypted with key ${keyId ?? "?"}, which is neither ${SECRET_KEY_ENV} nor in ${SECRET_KEY_PREVIOUS_ENV}`,
      );
    }
    const body = Buffer.from(bodyText, "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new SecretKeyError(
        `a stored secret (key ${keyId}) does not decrypt: it was altered or is not a ${purpose}`,
      );
    }
  }

  /** True for plain legacy values and values under a previous key. */
  needsReencryption(stored: string): boolean {
    return !stored.startsWith(`${FORMAT}${this.currentKeyId}:`);
  }
}

export const isEncrypted = (stored: string) => stored.startsWith(FORMAT);

/** A new random key, base64: what an operator puts in SWITCHYARD_SECRET_KEY. */
export const generateSecretKey = () => randomBytes(KEY_BYTES).toString("base64");

function parseKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text.trim())) {
    throw new SecretKeyError(
      `${source} must be ${KEY_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/**
 * The keys of this process: SWITCHYARD_SECRET_KEY when set, otherwise a key generated once
 * into `<dataDir>/secret-key` (mode 600), so `npm start` needs no configuration; plus the
 * comma-separated SWITCHYARD_SECRET_KEY_PREVIOUS for values not yet re-encrypted.
 */
export function loadSecretBox(env: Record<string, string | undefined>, dataDir: string): SecretBox {
  const fromEnv = env[SECRET_KEY_ENV]?.trim();
  const current = fromEnv ? parseKey(fromEnv, SECRET_KEY_ENV) : readOrCreateKeyFile(dataDir);
  const previous = (env[SECRET_KEY_PREVIOUS_ENV] ?? "")
    .split(",")
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => parseKey(text, SECRET_KEY_PREVIOUS_ENV));
  return new SecretBox(current, previous);
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    const fd = openSync(file, "wx", 0o600);
    writeSync(fd, generateSecretKey());
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return parseKey(readFileSync(file, "utf8"), file);
}

let processBox: SecretBox | undefined;

/**
 * The box of this process, from its environment and data directory, loaded on first use
 * (so `next build` never reads keys). Services take a box from their caller when given one
 * (tests pass their own) and fall back to this.
 */
export function getSecretBox(): SecretBox {
  processBox ??= loadSecretBox(process.env, resolveDataDir());
  return processBox;
}

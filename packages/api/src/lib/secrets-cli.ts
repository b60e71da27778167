/**
 * switchyard secrets: key management for the secrets stored encrypted in the database.
 *
 *   npx tsx packages/api/src/lib/secrets-cli.ts generate-key   a new key for SWITCHYARD_SECRET_KEY
 *   npx tsx packages/api/src/lib/secrets-cli.ts reencrypt      every stored secret under the current key
 *
 * Rotation: put the new key in SWITCHYARD_SECRET_KEY and the old one in
 * SWITCHYARD_SECRET_KEY_PREVIOUS on every console, restart them (each re-encrypts at
 * start too), run `reencrypt` and check it reports 0 undecryptable; then drop the old key.
 */
import { createDb, DatabaseSetupError, resolveDatabaseConfig } from "@switchyard/db";
import { reencryptStoredSecrets } from "./reencrypt-secrets.ts";
import { generateSecretKey, getSecretBox } from "./secrets.ts";

async function main(command: string | undefined) {
  if (command === "generate-key") {
    console.log(generateSecretKey());
    return;
  }
  if (command !== "reencrypt") {
    console.error("usage: secrets-cli.ts <generate-key|reencrypt>");
    process.exit(2);
  }
  const secrets = getSecretBox();
  const db = await createDb(resolveDatabaseConfig());
  try {
    const report = await reencryptStoredSecrets(db.prisma, secrets);
    console.log(
      `switchyard: secrets under key ${secrets.currentKeyId}: ${report.checked} checked, ${report.reencrypted} re-encrypted, ${report.undecryptable} undecryptable`,
    );
    if (report.undecryptable > 0) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  console.error(`switchyard: error: ${error instanceof DatabaseSetupError ? "" : "secrets: "}${message}`);
  process.exit(1);
});

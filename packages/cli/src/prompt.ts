import { read } from "read";

/**
 * The token at `switchyard login`: a hidden prompt on a terminal (nothing echoed), else the
 * first line of stdin (`echo $TOKEN | switchyard login --server …`).
 */
export async function readToken(): Promise<string> {
  if (process.stdin.isTTY) {
    return read({ prompt: "API token (sy_…): ", silent: true, replace: "", output: process.stderr });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

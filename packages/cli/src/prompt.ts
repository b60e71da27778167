import { read } from "read";

/**
 * The token at `switchyard login`: a hidden prompt on a terminal (nothing echoed), else the
 * first line of stdin (`echo $TOKEN | switchyard login --server …`).
 */
export async function readToken(): Promise<string> {
  if (process.stdin.isTTY) {
    const token = await read({
      prompt: "API token (sy_…): ",
      silent: true,
      replace: "",
      output: process.stderr,
    });
    process.stderr.write("\n"); // the hidden answer left the cursor on the prompt's line
    return token;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

/**
 * One REST "console replica" as its own process, for the cross-process tests: /api/v1 served
 * by the real handler on DATABASE_URL (PostgreSQL), Bearer tokens only, on a free port that it
 * prints as `listening <port>`. The rate limit comes from the environment, as in the console.
 *
 * `DATABASE_URL=postgresql://… node --import tsx packages/api/test/support/rest-replica.ts`
 */
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { createDb } from "@switchyard/db";
import { bearerTokenOf, resolveApiToken } from "../../src/auth/tokens.ts";
import { handleRestRequest } from "../../src/rest/handler.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("rest-replica: set DATABASE_URL");
  process.exit(2);
}
const db = await createDb({ kind: "postgres", url });

const server = createServer(async (req, res) => {
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://localhost${req.url}`, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([name, value]) =>
      value === undefined
        ? []
        : [[name, Array.isArray(value) ? value.join(", ") : value] as [string, string]],
    ),
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Node's fetch needs duplex for a streamed body.
    duplex: "half",
  });
  const response = await handleRestRequest(request, {
    prisma: db.prisma,
    resolveUser: async (r) => {
      const token = bearerTokenOf(r.headers.get("authorization"));
      return token ? resolveApiToken(db.prisma, token) : null;
    },
  });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});

const stop = () => server.close(() => void db.close().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";
import { securityHeaders } from "./src/server/security/headers";

const STATIC_SECURITY_HEADERS = securityHeaders({ isHttps: false });

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // A self-contained server (.next/standalone) with only the files it needs: `npm start` and
  // the production image run it (scripts/image.mjs). Traced from the repository root, so the
  // workspace packages and the hoisted node_modules are found.
  output: "standalone",
  outputFileTracingRoot: resolve(dirname(fileURLToPath(import.meta.url)), "../.."),
  // The API reference route reads Scalar's browser bundle from node_modules at run time.
  outputFileTracingIncludes: {
    "/api/reference/scalar.js": ["../../node_modules/@scalar/api-reference/dist/browser/standalone.js"],
  },
  // Its process.cwd() lookup would otherwise pull the whole app folder (sources, tests) in.
  outputFileTracingExcludes: {
    "*": ["./e2e/**", "./bench/**", "./src/**", "./playwright.config.ts", "./test-results/**"],
  },
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@switchyard/api", "@switchyard/db"],
  // Database drivers load wasm and native files at run time: keep them out of the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    // The Kubernetes client loads its dependencies (node-fetch, ws, openid-client) at run time.
    "@kubernetes/client-node",
  ],
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` runs tsc once for the whole repo
  experimental: {
    // The proxy makes Next.js buffer request bodies up to this size; just above the largest
    // body limit (the catalog import, see request-guard.ts) so the routes see what they count.
    proxyClientMaxBodySize: 13 * 1024 * 1024,
  },
  // The build's static assets skip the proxy (src/proxy.ts): they get the fixed headers here.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default config;

import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@switchyard/api", "@switchyard/db"],
  // Database drivers load wasm and native files at run time: keep them out of the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
  ],
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` runs tsc once for the whole repo
};

export default config;

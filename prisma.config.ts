import { defineConfig } from "prisma/config";

// Used by the Prisma CLI (generate, studio, migrate deploy elsewhere). The application never
// reads this file: packages/db picks PostgreSQL or the embedded PGlite at run time.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://127.0.0.1:5432/switchyard" },
});

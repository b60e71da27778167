# syntax=docker/dockerfile:1
# The Switchyard console's production image (see docker-compose.yml and the README).
#   deps     npm ci: every dependency, dev ones included (the build needs them)
#   build    the Prisma client, `next build` (standalone output) and the bundled set-up, laid
#            out in /out exactly as the runtime's /app (scripts/image.mjs)
#   runtime  node:22-bookworm-slim and /out only: no npm, no dev dependencies, no build at
#            start; a non-root user; everything read-only except /data
# `npm run check:image` (the last phase of `npm test`) lints this file, runs the build stage's
# command without Docker and starts the result as an unprivileged user (scripts/check-image.mjs).

FROM node:22-bookworm-slim AS deps
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
# Every workspace's package.json (check:image fails when one is missing here).
COPY package.json package-lock.json ./
COPY apps/web/package.json apps/web/package.json
COPY packages/api/package.json packages/api/package.json
COPY packages/db/package.json packages/db/package.json
COPY packages/placement/package.json packages/placement/package.json
COPY packages/cli/package.json packages/cli/package.json
COPY apps/agent/package.json apps/agent/package.json
# No install script is needed (Prisma's would only try to download an engine).
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM deps AS build
COPY . .
RUN node scripts/image.mjs build --out /out

FROM node:22-bookworm-slim AS runtime
# NODE_OPTIONS: the console's heap settings (CONSOLE_HEAP_FLAGS in scripts/lib.mjs, checked by
# check:image); pass your own NODE_OPTIONS to change them.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=768 --max-semi-space-size=32" \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    SWITCHYARD_DATA_DIR=/data \
    SWITCHYARD_REQUIRE_AUTH_SECRET=1
WORKDIR /app
# Owned by root and not writable by the console's user: the code cannot change at run time.
COPY --from=build /out/ /app/
# The only writable place: the embedded database (without DATABASE_URL) and local secrets.
RUN mkdir -p /data && chown 1000:1000 /data && chmod 700 /data
VOLUME ["/data"]
# uid 1000 is the base image's unprivileged `node` user.
USER 1000:1000
EXPOSE 3000
# Migrations and the set-up run first (tens of seconds on a new database): the start period covers them.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "/app/entrypoint.mjs"]

# The Switchyard console for a production-like setup (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY apps/web/package.json apps/web/package.json
COPY packages/api/package.json packages/api/package.json
COPY packages/db/package.json packages/db/package.json
COPY packages/placement/package.json packages/placement/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/prisma-generate.mjs && node -e "import('./scripts/lib.mjs').then((m) => m.buildConsole({ force: true }))"
# Behind compose the secret must come from the environment, not a generated file.
ENV SWITCHYARD_REQUIRE_AUTH_SECRET=1 PORT=3000
EXPOSE 3000
CMD ["node", "scripts/start.mjs"]

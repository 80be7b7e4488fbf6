# One image for every Jisr process (ingestion, gateway, simulators, analytics, alerting, web): `jisr <command>`.
FROM node:20-bookworm-slim
# better-sqlite3 and serialport compile from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY cli/package.json cli/
COPY gateway/package.json gateway/
COPY simulators/package.json simulators/
COPY services/ingestion/package.json services/ingestion/
COPY services/analytics/package.json services/analytics/
COPY services/alerting/package.json services/alerting/
COPY services/reports/package.json services/reports/
COPY services/web/package.json services/web/
COPY services/kit/package.json services/kit/
COPY dashboards/package.json dashboards/
# `prepare` runs the build; with no sources copied yet it builds nothing, so the dependency layer stays cached.
COPY scripts/build.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
# The sources to plain JavaScript (*/dist): `jisr` starts without compiling TypeScript.
RUN npm run build
ENV NODE_ENV=production
ENTRYPOINT ["node", "cli/bin/jisr.js"]
CMD ["--help"]

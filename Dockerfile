# syntax=docker/dockerfile:1
#
# Werkplekleren+ as one container image: the service (bot, tab, tab API, /healthz, /readyz) on port 3978.
#   docker build -t werkplekleren-plus .
# It needs the production variables of bot/src/config.ts (MicrosoftAppId, MONGODB_URI, LINK_SIGNING_SECRET, …):
# see compose.yaml, compose.env.example and docs/admin-guide.md.

# Node 20 (the engines field asks for 20.19 or newer; the node:20 tags are past that).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, then TypeScript (dist/bot, dist/tab) and the tab bundle (dist/tab-web) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# botbuilder-dialogs' postinstall runs `npx rimraf`, which stops to ask unless npx may say yes (.npmrc says so
# too; npm versions that ignore the project's .npmrc for npx still read the environment).
ENV npm_config_yes=true
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bot ./bot
COPY tab ./tab
RUN npm run build

# ---- runtime: production dependencies, the build, and the files the service reads at run time ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# LOG_FORMAT=json: with `auto`, a terminal (docker run -t) would ask for pino-pretty, a development dependency
# that is not in this image, and the start would fail.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    LOG_FORMAT=json
COPY package.json package-lock.json .npmrc ./
RUN npm_config_yes=true npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time relative to the project root (bot/src/main.ts): the prompt of the AI proposal and the
# shipped videoframes. An organisation's own videoframes are mounted and named in VIDEOFRAMES_DIR.
COPY bot/prompts ./bot/prompts
COPY bot/videoframes ./bot/videoframes
# The code stays root's and read-only; the service runs as the image's `node` user (uid 1000, numeric so that
# Kubernetes' runAsNonRoot can verify it) and writes nothing to disk.
USER 1000:1000
EXPOSE 3978
# Ready = MongoDB answers and the indexes are made (GET /readyz); slim images have no curl, Node 20 has fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# As `npm start` runs it (package.json), without npm in between: SIGTERM reaches Node, which drains turns in
# flight and closes MongoDB before it exits.
CMD ["node", "--disable-warning=DEP0111", "dist/bot/src/main.js"]

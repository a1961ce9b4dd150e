# One production image for all five onair services. The service is picked by SERVICE (build arg,
# also the runtime env, so one built image can run any of them; the AWS deployment builds it once
# and sets SERVICE per task):
#   docker build --build-arg SERVICE=chat-svc -t onair/chat-svc .
# docker-compose.yml builds it once per service with the matching SERVICE arg.
#
# Stages: manifests (package.json files only, for layer caching) -> build (every dependency,
# `npm run build` compiles each service to dist/<service>/main.js) -> deps (production
# dependencies of the services and their libraries only) -> the runtime image (node + dist +
# those dependencies; no TypeScript, no tsx, no dev tools).

# Stage 1: only the npm manifests (root + every workspace package.json, the lockfile, .npmrc).
# Source edits leave this stage's output unchanged, so the `npm ci` layers below stay cached;
# a workspace added anywhere is picked up without editing this file.
FROM node:24.21.0-slim AS manifests
WORKDIR /src
COPY . .
RUN find . ! -type d ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -depth -type d -empty -delete

# Stage 2: compile. Every dependency (tsx and esbuild are dev dependencies), then the build.
FROM node:24.21.0-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /src
COPY --from=manifests /src/ ./
RUN npm ci --no-audit
COPY . .
RUN npm run build

# Stage 3: the production dependencies of the services and the libraries they use, nothing of
# devstack, bench or deploy. The workspace's own @onair/* packages are compiled into dist, so
# their links are dropped. npm 11 reads the root package.json `allowScripts`; none is needed here.
FROM node:24.21.0-slim AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app
COPY --from=manifests /src/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit \
      --workspace libs/contracts --workspace libs/runtime \
      --workspace services/gateway --workspace services/stream-svc --workspace services/chat-svc \
      --workspace services/recording-svc --workspace services/fanout-svc \
 && rm -rf node_modules/@onair node_modules/.bin \
 && npm cache clean --force

# Stage 4: the runtime image.
FROM node:24.21.0-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Files stay root-owned (read-only for the app); the process runs as the unprivileged user.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist

ARG SERVICE=gateway
RUN case "$SERVICE" in \
      gateway|stream-svc|chat-svc|recording-svc|fanout-svc) ;; \
      *) echo "SERVICE must be one of gateway, stream-svc, chat-svc, recording-svc, fanout-svc (got '$SERVICE')" >&2; exit 1 ;; \
    esac
ENV SERVICE=${SERVICE}

USER node

EXPOSE 8080 8081 8082 8083 8084

# node:24-slim has no curl: probe /healthz with node's own fetch. PORT is read at probe time.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The shell only expands $SERVICE: `exec` replaces it with node, so node itself gets SIGTERM
# (drains, then exits) and nothing sits in between. Run with an init as PID 1 (`docker run
# --init`, compose `init: true`, ECS initProcessEnabled) so zombies are reaped and signals are
# forwarded.
CMD ["sh", "-c", "exec node --enable-source-maps \"dist/${SERVICE}/main.js\""]

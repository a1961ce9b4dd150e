# One image for all five onair services. The service is picked by SERVICE (build arg, also
# the runtime env, so one built image can run any of them):
#   docker build --build-arg SERVICE=chat-svc -t onair/chat-svc .
# docker-compose.yml builds it once per service with the matching SERVICE arg.

# Stage 1: only the npm manifests (root + every workspace package.json, the lockfile, .npmrc).
# Source edits leave this stage's output unchanged, so the `npm ci` layer below stays cached;
# a workspace added under libs/* or services/* is picked up without editing this file.
FROM node:24-slim AS manifests
WORKDIR /src
COPY . .
RUN find . ! -type d ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -depth -type d -empty -delete

# Stage 2: the runtime image.
FROM node:24-slim
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app

# Install from the workspace lockfile. Dev dependencies are kept: services run from TypeScript
# through tsx (a root devDependency). npm 11 reads the root package.json `allowScripts` field
# to decide which install scripts may run. Declared before ARG SERVICE so all five service
# images share this layer.
COPY --from=manifests /src/ ./
RUN npm ci --no-audit \
 && npm cache clean --force

COPY . .

ARG SERVICE=gateway
RUN case "$SERVICE" in \
      gateway|stream-svc|chat-svc|recording-svc|fanout-svc) ;; \
      *) echo "SERVICE must be one of gateway, stream-svc, chat-svc, recording-svc, fanout-svc (got '$SERVICE')" >&2; exit 1 ;; \
    esac
ENV SERVICE=${SERVICE} \
    NODE_ENV=production

# Files stay root-owned (read-only for the app); the process runs as the unprivileged user.
USER node

EXPOSE 8080 8081 8082 8083 8084

# node:24-slim has no curl: probe /healthz with node's own fetch. PORT is read at probe time.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Shell form only to expand $SERVICE; `exec` hands PID 1 to npx, which forwards SIGTERM to
# tsx and the service (graceful shutdown).
CMD ["sh", "-c", "exec npx tsx \"services/${SERVICE}/src/main.ts\""]

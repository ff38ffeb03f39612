# modloader management service (docs/operations.md).
#
#   docker build -t modloader --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run --rm -p 8088:8088 \
#     -v "$PWD/tokens.conf:/etc/modloader/tokens.conf:ro" modloader
#
# The container listens on 0.0.0.0, which the service refuses without clients in tokens.conf
# (SPEC 11): mount one (readable by uid 1000) or the start fails with a message saying so.
# The sample module set and config are baked in; mount your own over /app/modules or
# /etc/modloader (or point MODLOADER_MODULES / MODLOADER_CONFIG elsewhere).

# ---- build: compile TypeScript, bundle the web console, generate the sample set's manifests
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The prepare script builds from the sources, which are not here yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY routes ./routes
COPY bench ./bench
COPY console ./console
COPY modules ./modules
COPY config ./config
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- run: production dependencies, compiled code, the served API documents, sample set;
# no compiler, not root
FROM node:20-bookworm-slim
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="modloader" \
      org.opencontainers.image.description="A manifest-driven module loader (after Asterisk's Module Loader Ideas) run as an HTTP/JSON management service" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"
# MODLOADER_URL_FILE: the service writes the URL it listens on there, so the HEALTHCHECK
# follows a --port or MODLOADER_PORT given at run time.
ENV NODE_ENV=production \
    MODLOADER_MODULES=/app/modules \
    MODLOADER_CONFIG=/etc/modloader \
    MODLOADER_PORT=8088 \
    MODLOADER_URL_FILE=/tmp/modloader.url
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/modules ./modules
COPY --from=build /app/config /etc/modloader
COPY openapi ./openapi
USER node
EXPOSE 8088
# Healthy once ready: startup done and every require module running (GET /health/ready).
# The service answers while it starts; the start period covers a long startup.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "try { fetch(require('node:fs').readFileSync(process.env.MODLOADER_URL_FILE, 'utf8').trim() + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1)) } catch { process.exit(1) }"]
ENTRYPOINT ["node", "bin/modloader.js"]
CMD ["serve", "--host", "0.0.0.0"]

# modloader management service (docs/operations.md).
#
#   docker build -t modloader .
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

# ---- run: production dependencies, compiled code, sample set; no compiler, not root
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MODLOADER_MODULES=/app/modules \
    MODLOADER_CONFIG=/etc/modloader \
    MODLOADER_PORT=8088
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/modules ./modules
COPY --from=build /app/config /etc/modloader
USER node
EXPOSE 8088
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.MODLOADER_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/modloader.js"]
CMD ["serve", "--host", "0.0.0.0"]

# anchord — validating DNS resolver. Multi-stage: dependencies are resolved in a build stage, the runtime
# image carries only production dependencies and runs as an unprivileged user.
#
# Binding port 53 as non-root needs CAP_NET_BIND_SERVICE:
#   docker run --cap-add=NET_BIND_SERVICE -p 53:53/udp -p 53:53/tcp -p 127.0.0.1:9153:9153 anchord
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bin ./bin
RUN npx tsc --noEmit

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/src ./src
COPY --from=build /app/bin ./bin
COPY zones ./zones
COPY config.example.json ./config.example.json
USER node
EXPOSE 53/udp 53/tcp 9153/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:9153/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/anchord.js"]
CMD ["serve", "--config", "/etc/anchord/config.json"]

# billpay-adapter: multi-stage build; the runtime image holds production dependencies only and
# runs as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production BILLPAY_DATA_DIR=/var/lib/billpay
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY mappings ./mappings
COPY sample-files ./sample-files
RUN ln -s /app/dist/src/cli.js /usr/local/bin/billpay && chmod +x /app/dist/src/cli.js \
 && groupadd --system billpay && useradd --system --gid billpay --home /var/lib/billpay billpay \
 && mkdir -p /var/lib/billpay && chown billpay:billpay /var/lib/billpay
USER billpay
VOLUME ["/var/lib/billpay"]
EXPOSE 8080
# Liveness from inside the container: /healthz on the port `serve` listens on (node has fetch; the
# slim image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.BILLPAY_HTTP_PORT || '8080') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["billpay"]
CMD ["serve"]

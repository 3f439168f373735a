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
# Liveness from inside the container: /healthz on the port `serve` listens on, over HTTPS when
# BILLPAY_TLS_CERT is set (the slim image has no curl). The probe asks this very process over
# loopback whether it is alive, so it does not check the certificate (it may be self-signed).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const tls = Boolean(process.env.BILLPAY_TLS_CERT); require(tls ? 'node:https' : 'node:http').get({ host: '127.0.0.1', port: process.env.BILLPAY_HTTP_PORT || '8080', path: '/healthz', rejectUnauthorized: false }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
ENTRYPOINT ["billpay"]
CMD ["serve"]

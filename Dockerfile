# The application image for cluster mode (docker-compose.yml): the API replicas and the job-worker
# replicas run the same image with a different PROCESS_ROLE. Built from this repository.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY engine-workers/package.json engine-workers/
COPY api/package.json api/
COPY test/package.json test/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && npm run build -w web -- --progress=false && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 ENGINE_MODE=cluster
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/shared/package.json shared/
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/engine-workers/package.json engine-workers/
COPY --from=build /app/engine-workers/dist engine-workers/dist
COPY --from=build /app/api/package.json api/
COPY --from=build /app/api/dist api/dist
COPY --from=build /app/web/dist/browser web/dist/browser
COPY --from=build /app/processes processes
# The audit checkpoint file's folder (DATA_DIR in docker-compose.yml), writable by the app's user.
RUN mkdir -p /var/lib/ggzy && chown node:node /var/lib/ggzy
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# --max-semi-space-size: see scripts/start.mjs.
CMD ["node", "--max-semi-space-size=64", "api/dist/main.js"]

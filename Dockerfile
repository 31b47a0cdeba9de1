# One image for every process of Brew Saga; the compose file picks the entry point.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY simulators ./simulators
COPY eventstore ./eventstore
COPY postgres ./postgres
COPY keys ./keys
COPY codec ./codec
COPY vault ./vault
COPY projections ./projections
COPY notifications ./notifications
COPY api ./api
COPY workers ./workers
COPY config ./config
COPY processes ./processes
COPY telemetry ./telemetry
COPY bin ./bin
COPY scripts ./scripts
USER node
CMD ["node", "--import", "tsx", "bin/api.ts"]

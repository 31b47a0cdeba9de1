import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Router } from 'express';
import type { z } from 'zod';
import type { ApiConfig } from '../../config/api';
import type { Logger } from '../logger';
import type { ApiMetrics } from '../metrics';
import type { ApiPorts } from '../ports';
import { Problem } from '../schemas';
import type { OpenStreams } from '../sse';

/** What every route file gets: where to register, and the ports to talk to. */
export interface RouteContext {
  router: Router;
  registry: OpenAPIRegistry;
  ports: ApiPorts;
  config: ApiConfig;
  metrics: ApiMetrics;
  logger: Logger;
  streams: OpenStreams;
}

export const jsonResponse = (
  schema: z.ZodType,
  description: string,
  headers?: z.ZodObject,
): ResponseConfig => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

export const problemResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

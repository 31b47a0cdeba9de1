import { type OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

/** The OpenAPI 3.1 document, written from the same registry the routes validated with. */
export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Brew Saga API',
      version: '1.0.0',
      description:
        'Coffee orders as Temporal sagas over an append-only event log. Commands go through the saga; ' +
        'queries read projections. Money is integer minor units with a currency. Errors are RFC 9457 ' +
        'problem details (application/problem+json). Every answer carries X-Request-Id (the correlation id).',
    },
    tags: [
      { name: 'orders', description: 'placing, following, cancelling and picking up orders' },
      { name: 'shop', description: 'menu and read models' },
      { name: 'board', description: 'the order board page and its live feed' },
      { name: 'operations', description: 'health, readiness, metrics, this document' },
    ],
  });
}

import { fileURLToPath } from 'node:url';
import express from 'express';
import { publicAccess } from '../auth';
import { defineRoute } from '../routing';
import { z } from '../zod';
import { jsonResponse, type RouteContext } from './context';

const shopDir = fileURLToPath(new URL('../shop/', import.meta.url));

export const ShopConfig = z
  .object({
    simulators: z.boolean().openapi({
      description:
        'the gateway is the simulator: the page offers its test cards (tok_visa_4242, tok_flaky, …)',
    }),
  })
  .openapi('ShopConfig');

/** The customer page at `/` (static files from api/shop/) and the one setting it asks the server for. */
export function customerPageRoutes({ router, registry, config }: RouteContext): void {
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/',
      operationId: 'customerPage',
      summary: 'The customer page: menu, cart, place an order and follow it live',
      tags: ['shop'],
      access: publicAccess,
      responses: { 200: { description: 'the page', content: { 'text/html': { schema: z.string() } } } },
    },
    (_input, _req, res) => {
      res.sendFile('index.html', { root: shopDir });
      return undefined;
    },
  );

  const shopConfig = { simulators: config.simulators };
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/shop/config',
      operationId: 'getShopConfig',
      summary: "What the customer page needs to know about this deployment (e.g. whether it's simulated)",
      tags: ['shop'],
      access: publicAccess,
      responses: { 200: jsonResponse(ShopConfig, 'the page’s settings') },
    },
    () => ({ status: 200, body: shopConfig }),
  );
  router.use('/shop', express.static(shopDir, { index: false, fallthrough: true }));
}

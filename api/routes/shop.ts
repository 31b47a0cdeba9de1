import { publicAccess, staffAccess } from '../auth';
import { menuView } from '../menu';
import { defineRoute } from '../routing';
import { BaristaQueue, DailySales, DailySalesQuery, Menu } from '../schemas';
import { jsonResponse, type RouteContext } from './context';

/** The shop's read-only views: the menu, what the barista makes next, the day's sales. */
export function shopRoutes({ router, registry, ports }: RouteContext): void {
  const menu = menuView();
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/menu',
      operationId: 'getMenu',
      summary: 'Drinks, sizes and prices (integer minor units); the only prices an order uses',
      tags: ['shop'],
      access: publicAccess,
      responses: { 200: jsonResponse(Menu, 'the menu') },
    },
    () => ({ status: 200, body: menu }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/barista/queue',
      operationId: 'getBaristaQueue',
      summary: 'What to make next and what awaits pickup (read model)',
      tags: ['shop'],
      access: staffAccess(['barista']),
      responses: { 200: jsonResponse(BaristaQueue, 'the barista queue') },
    },
    async () => ({ status: 200, body: await ports.queries.baristaQueue() }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/stats/sales',
      operationId: 'getDailySales',
      summary: 'Revenue, refunds and counts per drink for one day (read model)',
      tags: ['shop'],
      access: staffAccess(['manager']),
      query: DailySalesQuery,
      responses: { 200: jsonResponse(DailySales, 'the day’s sales') },
    },
    async ({ query }) => ({ status: 200, body: await ports.queries.dailySales(query.day) }),
  );
}

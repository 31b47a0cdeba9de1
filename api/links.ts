import type { OrderView } from './ports';

/** Where a client goes next from an order: every answer about an order links the same way. */
export const orderLinks = (orderId: string) => {
  const self = `/orders/${encodeURIComponent(orderId)}`;
  return {
    self,
    events: `${self}/events`,
    saga: `${self}/saga`,
    stream: `${self}/stream`,
    cancel: `${self}/cancel`,
    pickup: `${self}/pickup`,
  };
};

/** An order as the API answers it: the read model plus where to go next. */
export const withLinks = (view: OrderView) => ({ ...view, links: orderLinks(view.orderId) });

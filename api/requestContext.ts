import { AsyncLocalStorage } from 'node:async_hooks';

/** Who a log line belongs to: the request (correlation id) and, once known, the order. */
export interface RequestContext {
  requestId: string;
  orderId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Tags every later log line of this request with the order it is about. */
export function tagOrder(orderId: string): void {
  const context = requestContext.getStore();
  if (context) context.orderId = orderId;
}

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

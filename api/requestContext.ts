import { AsyncLocalStorage } from 'node:async_hooks';
import { type RequestTrace, tracedRequest } from '../telemetry/hooks';

/** Who a log line belongs to: the request (correlation id) and, once known, the order. */
export interface RequestContext {
  requestId: string;
  orderId?: string;
}

// Untraced requests keep their context here; a traced one in its span's context (one store, not two).
const untracedRequests = new AsyncLocalStorage<RequestContext>();

/** Runs a request's handling (and all it awaits) with its context, inside its span when it has one. */
export function runInRequest<T>(
  context: RequestContext,
  trace: RequestTrace | undefined,
  handle: () => T,
): T {
  return trace ? trace.enter(context, handle) : untracedRequests.run(context, handle);
}

/** The context of the request this code runs for, if any. */
export const currentRequest = (): RequestContext | undefined =>
  untracedRequests.getStore() ?? (tracedRequest() as RequestContext | undefined);

/** Tags every later log line of this request with the order it is about. */
export function tagOrder(orderId: string): void {
  const context = currentRequest();
  if (context) context.orderId = orderId;
}

export const currentRequestId = (): string | undefined => currentRequest()?.requestId;

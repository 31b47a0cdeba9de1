/** Saga status values, shared by the workflow, the events and the read models. */
export const ORDER_STATUSES = [
  'PLACED',
  'PAID',
  'REJECTED',
  'BREWING',
  'READY',
  'PICKED_UP',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'ABANDONED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'REJECTED',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'ABANDONED',
]);

export const isTerminal = (status: OrderStatus): boolean => TERMINAL_STATUSES.has(status);

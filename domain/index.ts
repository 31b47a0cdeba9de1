export * from './events';
export * from './evolve';
export * from './menu';
export * from './money';
export * from './personalData';
export * from './placeOrder';
// Types only: the schema's values would put zod into the workflow bundle.
export type { PlaceOrder, PlaceOrderLine } from './placeOrderCommand';
export * from './status';
export * from './summary';

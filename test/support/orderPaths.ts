/** The facts of an order that is placed, paid, brewed, picked up and completed, in order. */
export const COMPLETED_ORDER_EVENTS = [
  'OrderPlaced',
  'PaymentCharged',
  'BrewingStarted',
  'OrderReady',
  'OrderPickedUp',
  'OrderCompleted',
];

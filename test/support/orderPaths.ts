/** The facts of an order that is placed, paid for (a hold), brewed, captured, picked up and completed, in order. */
export const COMPLETED_ORDER_EVENTS = [
  'OrderPlaced',
  'PaymentAuthorized',
  'BrewingStarted',
  'PaymentCaptured',
  'OrderReady',
  'OrderPickedUp',
  'OrderCompleted',
];

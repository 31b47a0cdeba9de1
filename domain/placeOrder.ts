import type { OrderLine } from './events';
import { MENU_CURRENCY, unitPrice } from './menu';
import { type Money, money } from './money';
import { type PersonalData, personalRef } from './personalData';
import type { PlaceOrder, PlaceOrderLine } from './placeOrderCommand';

/** Prices a valid order from the menu: the client never sends prices. */
export function priceOrder(items: readonly PlaceOrderLine[]): { items: OrderLine[]; total: Money } {
  const lines = items.map((line): OrderLine => {
    const priced: OrderLine = {
      drink: line.drink,
      size: line.size,
      quantity: line.quantity,
      unitPrice: unitPrice(line.drink, line.size),
    };
    if (line.machine) priced.machine = line.machine;
    return priced;
  });
  const cents = lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
  return { items: lines, total: money(cents, MENU_CURRENCY) };
}

/**
 * An order ready for the saga: validated, priced, identified and time-stamped by the caller. The
 * customer's name and card token are references into the vault (see `personalDataOf`).
 */
export interface PricedOrder {
  orderId: string;
  customerRef: string;
  items: OrderLine[];
  total: Money;
  /** Where the card token lives until the payment settles. */
  paymentRef: string;
  /** For the receipt: the only part of the token kept outside the vault. */
  paymentTokenLast4: string;
  pickupWindowSeconds: number;
  /** ISO instant the order was accepted. */
  placedAt: string;
}

export const DEFAULT_PICKUP_WINDOW_SECONDS = 30 * 60;

/** Turns a valid command into the order the saga runs; ids and time come in as data. */
export function placeOrder(
  command: PlaceOrder,
  context: { orderId: string; now: string; pickupWindowSeconds?: number },
): PricedOrder {
  const { items, total } = priceOrder(command.items);
  return {
    orderId: context.orderId,
    customerRef: personalRef(context.orderId, 'customer'),
    items,
    total,
    paymentRef: personalRef(context.orderId, 'paymentToken'),
    paymentTokenLast4: tokenLast4(command.payment.token),
    pickupWindowSeconds: context.pickupWindowSeconds ?? DEFAULT_PICKUP_WINDOW_SECONDS,
    placedAt: context.now,
  };
}

/** What goes into the vault before the saga starts. */
export const personalDataOf = (command: PlaceOrder): PersonalData => ({
  customer: command.customer,
  paymentToken: command.payment.token,
});

export const tokenLast4 = (token: string): string => token.slice(-4);

export const drinkCount = (items: readonly { quantity: number }[]): number =>
  items.reduce((sum, line) => sum + line.quantity, 0);

import type { OrderLine } from './events';
import {
  DRINKS,
  type Drink,
  isDrink,
  isMachineMode,
  isSize,
  MACHINE_MODES,
  type MachineMode,
  MENU_CURRENCY,
  SIZES,
  type Size,
  unitPrice,
} from './menu';
import { type Money, money } from './money';

/** The PlaceOrder command, as a client sends it (`POST /orders`). */
export interface PlaceOrder {
  customer: string;
  items: PlaceOrderLine[];
  payment: { token: string };
}

export interface PlaceOrderLine {
  drink: Drink;
  size: Size;
  quantity: number;
  /** Simulator switch for the coffee machine; absent means a working machine. */
  machine?: MachineMode;
}

export interface FieldError {
  /** A path into the command, e.g. `items[1].size`. */
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const ORDER_LIMITS = {
  customerMaxLength: 80,
  minLines: 1,
  maxLines: 20,
  minQuantity: 1,
  maxQuantity: 10,
} as const;

const TOKEN_SHAPE = /^tok_[A-Za-z0-9_]{1,64}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks an untrusted PlaceOrder body; every problem is reported with its field, not just the first. */
export function validatePlaceOrder(input: unknown): Validated<PlaceOrder> {
  const errors: FieldError[] = [];
  if (!isRecord(input)) return { ok: false, errors: [{ field: '', message: 'must be an object' }] };

  const customer = typeof input.customer === 'string' ? input.customer.trim() : undefined;
  if (customer === undefined) errors.push({ field: 'customer', message: 'is required' });
  else if (customer.length === 0) errors.push({ field: 'customer', message: 'must not be empty' });
  else if (customer.length > ORDER_LIMITS.customerMaxLength)
    errors.push({
      field: 'customer',
      message: `must be at most ${ORDER_LIMITS.customerMaxLength} characters`,
    });

  const items: PlaceOrderLine[] = [];
  if (!Array.isArray(input.items)) errors.push({ field: 'items', message: 'must be a list of order lines' });
  else if (input.items.length < ORDER_LIMITS.minLines || input.items.length > ORDER_LIMITS.maxLines)
    errors.push({
      field: 'items',
      message: `must have ${ORDER_LIMITS.minLines} to ${ORDER_LIMITS.maxLines} lines`,
    });
  else
    for (const [index, line] of input.items.entries()) validateLine(line, `items[${index}]`, errors, items);

  const payment = isRecord(input.payment) ? input.payment : undefined;
  const token = payment?.token;
  if (payment === undefined) errors.push({ field: 'payment', message: 'is required' });
  else if (typeof token !== 'string' || token.length === 0)
    errors.push({ field: 'payment.token', message: 'is required' });
  else if (!TOKEN_SHAPE.test(token))
    errors.push({ field: 'payment.token', message: 'must be a payment token shaped tok_*' });

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { customer: customer!, items, payment: { token: token as string } } };
}

function validateLine(line: unknown, path: string, errors: FieldError[], valid: PlaceOrderLine[]): void {
  if (!isRecord(line)) {
    errors.push({ field: path, message: 'must be an object' });
    return;
  }
  const before = errors.length;
  const { drink, size, quantity, machine } = line;
  if (!isDrink(drink))
    errors.push({ field: `${path}.drink`, message: `must be one of ${DRINKS.join(', ')}` });
  if (!isSize(size)) errors.push({ field: `${path}.size`, message: `must be one of ${SIZES.join(', ')}` });
  if (
    typeof quantity !== 'number' ||
    !Number.isInteger(quantity) ||
    quantity < ORDER_LIMITS.minQuantity ||
    quantity > ORDER_LIMITS.maxQuantity
  )
    errors.push({
      field: `${path}.quantity`,
      message: `must be a whole number from ${ORDER_LIMITS.minQuantity} to ${ORDER_LIMITS.maxQuantity}`,
    });
  if (machine !== undefined && !isMachineMode(machine))
    errors.push({ field: `${path}.machine`, message: `must be one of ${MACHINE_MODES.join(', ')}` });
  if (errors.length > before) return;
  const ok: PlaceOrderLine = { drink: drink as Drink, size: size as Size, quantity: quantity as number };
  if (machine !== undefined && machine !== 'normal') ok.machine = machine as MachineMode;
  valid.push(ok);
}

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

/** An order ready for the saga: validated, priced, identified and time-stamped by the caller. */
export interface PricedOrder {
  orderId: string;
  customer: string;
  items: OrderLine[];
  total: Money;
  paymentToken: string;
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
    customer: command.customer,
    items,
    total,
    paymentToken: command.payment.token,
    pickupWindowSeconds: context.pickupWindowSeconds ?? DEFAULT_PICKUP_WINDOW_SECONDS,
    placedAt: context.now,
  };
}

export const tokenLast4 = (token: string): string => token.slice(-4);

export const drinkCount = (items: readonly { quantity: number }[]): number =>
  items.reduce((sum, line) => sum + line.quantity, 0);

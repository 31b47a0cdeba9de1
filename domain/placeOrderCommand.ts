import { z } from 'zod';
import { DRINKS, MACHINE_MODES, SIZES } from './menu';

/**
 * The PlaceOrder command's rules, written once: the API validates requests with this schema
 * and documents it (api/schemas.ts adds only OpenAPI metadata). Kept out of domain/index.ts's
 * values so the workflow bundle does not carry zod.
 */

export const ORDER_LIMITS = {
  customerMaxLength: 80,
  minLines: 1,
  maxLines: 20,
  minQuantity: 1,
  maxQuantity: 10,
} as const;

/** One line of an order as the client asks for it; prices come from the menu later. */
export const PlaceOrderLine = z.strictObject({
  drink: z.enum(DRINKS),
  size: z.enum(SIZES),
  quantity: z.number().int().min(ORDER_LIMITS.minQuantity).max(ORDER_LIMITS.maxQuantity),
  /** Simulator switch for the coffee machine; absent means a working machine. */
  machine: z.enum(MACHINE_MODES).optional(),
});
export type PlaceOrderLine = z.infer<typeof PlaceOrderLine>;

/** The command over a line schema: the API passes its documented copy of `PlaceOrderLine` (or one without `machine`). */
export const placeOrderOf = <Line extends z.ZodType<Omit<PlaceOrderLine, 'machine'>>>(line: Line) =>
  z.strictObject({
    customer: z.string().trim().min(1).max(ORDER_LIMITS.customerMaxLength),
    items: z.array(line).min(ORDER_LIMITS.minLines).max(ORDER_LIMITS.maxLines),
    payment: z.strictObject({
      token: z.string().regex(/^tok_[A-Za-z0-9_]{1,64}$/, 'a payment token shaped tok_*'),
    }),
  });

/** The PlaceOrder command (`POST /orders`), checked: every problem is reported with its path. */
export const PlaceOrder = placeOrderOf(PlaceOrderLine);
export type PlaceOrder = z.infer<typeof PlaceOrder>;

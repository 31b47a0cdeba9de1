/**
 * What is secret or personal never travels in the clear: the vault keeps it, encrypted per order,
 * and everything else (workflow inputs, activity inputs, events, read models) carries a reference.
 * Destroying an order's key erases every field at once (crypto-shredding).
 */
export const PERSONAL_FIELDS = ['customer', 'paymentToken', 'cancelReason', 'rejectReason'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** `vault:<orderId>/<field>`: where a personal value lives; meaningless without the vault's keys. */
export const personalRef = (orderId: string, field: PersonalField): string => `vault:${orderId}/${field}`;

export function parsePersonalRef(ref: string): { orderId: string; field: PersonalField } | undefined {
  const match = /^vault:([^/]+)\/(\w+)$/.exec(ref);
  const field = match?.[2] as PersonalField | undefined;
  return match && field && PERSONAL_FIELDS.includes(field) ? { orderId: match[1]!, field } : undefined;
}

/** What the customer gave us that only the vault may keep. */
export interface PersonalData {
  customer: string;
  paymentToken: string;
}

/** A short number to call out at the counter and to search by in the Web UI: no name needed. */
export const orderNumber = (orderId: string): string => orderId.replaceAll('-', '').slice(0, 8).toUpperCase();

/** Facts after which an order's card token is never needed again: the payment settled, or never will. */
export const SETTLES_PAYMENT: readonly string[] = [
  'PaymentCharged',
  // A hold goes by key from here on: its capture, or its void, settles it.
  'PaymentCaptured',
  'AuthorizationVoided',
  'PaymentDeclined',
  'OrderRejected',
  'OrderFailed',
  'OrderCancelled',
];

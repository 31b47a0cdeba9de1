// What the customer page's views share: money, the order's credential, and talking to the API.

const formats = new Map();
/** Integer minor units in the currency's own number of decimals (USD 450 → $4.50, JPY 450 → ¥450). */
export function money({ amount, currency }) {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
}

export const drinkName = (drink) => {
  const words = drink.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};
export const sizeName = (size) => size.charAt(0).toUpperCase() + size.slice(1);

/** An unguessable Idempotency-Key; randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `Authorization: Bearer <orderToken>` when the server gave the order a token; nothing otherwise. */
export const authHeaders = (token) => (token ? { authorization: `Bearer ${token}` } : {});

/** The answer's status and JSON body (or problem details); a network failure is `{ status: 0 }`. */
export async function send(method, path, { body, headers = {}, token } = {}) {
  try {
    const response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(token),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    return { status: response.status, body: json };
  } catch (error) {
    return { status: 0, body: { detail: `The shop could not be reached (${error.message}).` } };
  }
}

/** A problem+json answer in one sentence for the customer. */
export const problemText = (answer, fallback) =>
  answer.body?.detail || answer.body?.title || `${fallback} (${answer.status || 'no answer'})`;

/** The link that reopens an order's tracking view; the token stays in the fragment, off server logs. */
export function trackingLink(orderId, token) {
  const fragment = new URLSearchParams({ order: orderId });
  if (token) fragment.set('token', token);
  return `/#${fragment}`;
}

/** `{ orderId, token }` from `#order=<id>&token=<token>`, or null. */
export function trackingFromFragment(hash) {
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const orderId = fragment.get('order');
  return orderId ? { orderId, token: fragment.get('token') || undefined } : null;
}

/** Requests a client can get wrong, and what the API must answer: never a 500, never an order. */
export interface MalformedCase {
  name: string;
  path?: string;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  /** A pointer among `errors[]`, when the problem names a field. */
  pointer?: string;
}

const valid = () => ({
  customer: 'Ana',
  items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
  payment: { token: 'tok_visa_4242' },
});
const withItem = (item: Record<string, unknown>) => ({
  ...valid(),
  items: [{ ...valid().items[0], ...item }],
});

export const malformedOrders: MalformedCase[] = [
  { name: 'malformed JSON', body: '{"customer": "Ana",', status: 400, pointer: '' },
  { name: 'a JSON array instead of an object', body: '[]', status: 400 },
  { name: 'a bare JSON string', body: '"latte"', status: 400 },
  { name: 'no body at all', body: '', status: 400 },
  { name: 'a text/plain body', body: 'one latte please', contentType: 'text/plain', status: 400 },
  {
    name: 'an unknown top-level field',
    body: { ...valid(), discount: 100 },
    status: 400,
    pointer: '/discount',
  },
  {
    name: 'a client-chosen price',
    body: withItem({ unitPrice: 1 }),
    status: 400,
    pointer: '/items/0/unitPrice',
  },
  {
    name: 'an unknown payment field',
    body: { ...valid(), payment: { token: 'tok_visa_4242', pan: '4242424242424242' } },
    status: 400,
    pointer: '/payment/pan',
  },
  {
    name: 'customer missing',
    body: { items: valid().items, payment: valid().payment },
    status: 400,
    pointer: '/customer',
  },
  { name: 'customer blank', body: { ...valid(), customer: '   ' }, status: 400, pointer: '/customer' },
  { name: 'customer not a string', body: { ...valid(), customer: 42 }, status: 400, pointer: '/customer' },
  {
    name: 'customer too long',
    body: { ...valid(), customer: 'A'.repeat(81) },
    status: 400,
    pointer: '/customer',
  },
  { name: 'no items', body: { ...valid(), items: [] }, status: 400, pointer: '/items' },
  {
    name: 'items not a list',
    body: { ...valid(), items: { drink: 'latte' } },
    status: 400,
    pointer: '/items',
  },
  {
    name: 'a drink not on the menu',
    body: withItem({ drink: 'frappuccino' }),
    status: 400,
    pointer: '/items/0/drink',
  },
  {
    name: 'a size not on the menu',
    body: withItem({ size: 'venti' }),
    status: 400,
    pointer: '/items/0/size',
  },
  { name: 'quantity zero', body: withItem({ quantity: 0 }), status: 400, pointer: '/items/0/quantity' },
  {
    name: 'quantity fractional',
    body: withItem({ quantity: 1.5 }),
    status: 400,
    pointer: '/items/0/quantity',
  },
  {
    name: 'quantity as a string',
    body: withItem({ quantity: '2' }),
    status: 400,
    pointer: '/items/0/quantity',
  },
  {
    name: 'quantity over the limit',
    body: withItem({ quantity: 11 }),
    status: 400,
    pointer: '/items/0/quantity',
  },
  {
    name: 'an unknown machine switch',
    body: withItem({ machine: 'explode' }),
    status: 400,
    pointer: '/items/0/machine',
  },
  {
    name: 'payment missing',
    body: { customer: 'Ana', items: valid().items },
    status: 400,
    pointer: '/payment',
  },
  {
    name: 'a card number as token',
    body: { ...valid(), payment: { token: '4242424242424242' } },
    status: 400,
    pointer: '/payment/token',
  },
  { name: 'an empty Idempotency-Key', body: valid(), headers: { 'idempotency-key': '' }, status: 400 },
  { name: 'a body over the size limit', body: { ...valid(), customer: 'A'.repeat(40_000) }, status: 413 },
];

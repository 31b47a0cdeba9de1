import { formatMoney, type Money } from './money';

const drinkName = (drink: string): string => drink.replaceAll('_', ' ');

/** A one-line human summary, e.g. "2× latte for Ana — $9.00" (Web UI, logs, notifications). */
export function summarizeOrder(order: {
  customer: string;
  items: readonly { drink: string; size?: string; quantity: number }[];
  total: Money;
}): string {
  const lines = order.items.map((line) => {
    const size = line.size && line.size !== 'medium' ? `${line.size} ` : '';
    return `${line.quantity}× ${size}${drinkName(line.drink)}`;
  });
  return `${lines.join(', ')} for ${order.customer} — ${formatMoney(order.total)}`;
}

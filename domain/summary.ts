import { formatMoney, type Money } from './money';
import { orderNumber } from './personalData';

const drinkName = (drink: string): string => drink.replaceAll('_', ' ');

/** A one-line summary without personal data, e.g. "2× latte, order 1A2B3C4D — $9.00" (Web UI, logs). */
export function summarizeOrder(order: {
  orderId: string;
  items: readonly { drink: string; size?: string; quantity: number }[];
  total: Money;
}): string {
  const lines = order.items.map((line) => {
    const size = line.size && line.size !== 'medium' ? `${line.size} ` : '';
    return `${line.quantity}× ${size}${drinkName(line.drink)}`;
  });
  return `${lines.join(', ')}, order ${orderNumber(order.orderId)} — ${formatMoney(order.total)}`;
}

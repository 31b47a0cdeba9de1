/** Money in integer minor units (cents), never floating point. */
export interface Money {
  amount: number;
  currency: string;
}

export const money = (amount: number, currency = 'USD'): Money => ({ amount, currency });

export function formatMoney({ amount, currency }: Money): string {
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${symbol}${(amount / 100).toFixed(2)}`;
}

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Search attributes bypass every payload codec: they hold no personal data, ever.
export const orderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
/** The short number on the board and the receipt (domain `orderNumber`). */
export const orderNumberKey = defineSearchAttributeKey('OrderNumber', SearchAttributeType.KEYWORD);

/** Registered on the dev server at start-up, so orders can be filtered in the Web UI. */
export const orderSearchAttributes = [orderStatusKey, orderNumberKey];

/**
 * Sagas started before names left Temporal upserted the customer's name here; their histories
 * still replay (steps/takeOrder.ts), and servers keep the key registered for them. Never written now.
 */
export const legacyCustomerNameKey = defineSearchAttributeKey('CustomerName', SearchAttributeType.KEYWORD);

/** What a server registers: today's keys and the legacy one old histories need. */
export const registeredSearchAttributes = [...orderSearchAttributes, legacyCustomerNameKey];

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered on the dev server at start-up, so orders can be filtered in the Web UI.
export const orderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const customerNameKey = defineSearchAttributeKey('CustomerName', SearchAttributeType.KEYWORD);

export const orderSearchAttributes = [orderStatusKey, customerNameKey];

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An order's bearer token: 256 bits derived from the server's secret, the order and its
 * Idempotency-Key, so a replay of the key answers the same token without the token being stored.
 * The order id is part of it: a pruned key used again places a new order with a new token.
 */
export const orderTokenFor = (secret: string, orderId: string, idempotencyKey: string): string =>
  createHmac('sha256', secret).update(`order-token:${orderId}:${idempotencyKey}`).digest('base64url');

/** What is stored and looked up: only the token's SHA-256. */
export const hashOrderToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** 32 bytes as base64url: 43 characters, no dots (a JWT always has two). */
export const ORDER_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const sameHash = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

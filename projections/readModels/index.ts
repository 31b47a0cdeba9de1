import type { ReadModel } from '../types';
import { baristaQueue } from './baristaQueue';
import { dailySales } from './dailySales';
import { orderSummary } from './orderSummary';

/** Every read model the API serves: what the projector runs and what a rebuild can name. */
export const READ_MODELS: readonly ReadModel[] = [orderSummary, baristaQueue, dailySales];

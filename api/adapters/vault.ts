import { orderStreamId } from '../../domain/events';
import type { EventStore } from '../../eventstore';
import { EventIdConflictError } from '../../eventstore';
import { nameBasedUuid } from '../../postgres';
import { PersonalDataErased, type Vault } from '../../vault';
import type { PersonalDataVault } from '../ports';

/** The event id of an order's one `OrderDataErased`: a repeated erasure records nothing new. */
export const erasureEventId = (orderId: string): string =>
  nameBasedUuid(`brew-saga:OrderDataErased:${orderId}`);

/** The vault behind the API's port; an erasure also records `OrderDataErased` and tells this process's caches. */
export function apiVault(
  vault: Vault,
  store: Pick<EventStore, 'append'>,
  erased: (orderId: string) => void | Promise<void>,
): PersonalDataVault {
  return {
    async keep(orderId, fields) {
      try {
        await vault.keep(orderId, fields);
        return true;
      } catch (error) {
        if (error instanceof PersonalDataErased) return false;
        throw error;
      }
    },
    personalData: (orderIds) => vault.personalData(orderIds),
    ordersOf: (customer) => vault.ordersWith('customer', customer),
    async erase(orderId) {
      const outcome = await vault.erase(orderId);
      try {
        // 'any': the saga may still be writing; it appends after others' facts (appendOrderEvents).
        await store.append(orderStreamId(orderId), 'any', [
          {
            eventId: erasureEventId(orderId),
            type: 'OrderDataErased',
            data: { orderId, at: new Date().toISOString() },
            metadata: { correlationId: orderId },
          },
        ]);
      } catch (error) {
        if (!(error instanceof EventIdConflictError)) throw error; // recorded by the first erasure
      }
      // Before answering: every process's cached reads of it are dropped by then (or on their way).
      await erased(orderId);
      return outcome;
    },
  };
}

// The worker bundle's entry: workflow functions only.
// Two types, one saga: `orderSagaV2` for new orders, `orderSaga` for those in flight from before (contract.ts).
export { orderSaga, orderSaga as orderSagaV2 } from './orderSaga';

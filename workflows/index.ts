// The worker bundle's entry: workflow functions only.
export { orderSaga } from './orderSaga';

export * from './events';
export * from './evolve';
export * from './menu';
export * from './money';
export * from './placeOrder';
export * from './status';
export * from './summary';

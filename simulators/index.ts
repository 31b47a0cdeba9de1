// Stand-ins for the shop's outside systems: the card processor and its ledger, the espresso
// machine, the SMS/e-mail provider. Deterministic, and told to misbehave through configuration.
export {
  type CoffeeMachineConfig,
  createCoffeeMachineSimulator,
  DEFAULT_COFFEE_MACHINE,
} from './coffeeMachine';
export {
  type GatewayLedger,
  type LedgerEntry,
  memoryLedger,
  migrateGatewayLedger,
  postgresLedger,
} from './gatewayLedger';
export {
  type ProviderSimulator,
  type SimulatedCall,
  type SimulatedDelivery,
  type SimulatorFaults,
  startProviderSimulator,
} from './notificationProvider';
export {
  createPaymentSimulator,
  DEFAULT_PAYMENT_SIMULATOR,
  type PaymentSimulatorConfig,
  SIMULATOR_TOKENS,
} from './paymentGateway';

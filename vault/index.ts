// The vault: what is secret or personal (card tokens, names, a customer's own words), encrypted per
// order, referenced from everywhere else, and erased by destroying the order's key.
export { pruneSettledTokens, sweepEvery, type TokenRetention } from './retention';
export {
  createVault,
  migrateVault,
  NOTHING_KEPT,
  PersonalDataErased,
  type PersonalView,
  type Vault,
} from './vault';

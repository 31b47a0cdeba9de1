// Who may call what: customers hold a token for their own order, staff carry JWTs with roles.
export {
  accessResponses,
  guardFor,
  orderAccess,
  publicAccess,
  type RouteAccess,
  registerSecuritySchemes,
  securityOf,
  staffAccess,
} from './access';
export { admittedRoles, type Caller, isStaffRole, STAFF_ROLES, type StaffRole } from './caller';
export { challengeFor, Forbidden, Unauthenticated } from './errors';
export { type AuthDeps, installAuth, requireOrderAccess, requireStaff, withoutAccessToken } from './guards';
export { ensureLocalAuth, type LocalAuth, mintStaffToken, type StaffTokenRequest } from './localKeys';
export { hashOrderToken, ORDER_TOKEN_SHAPE, orderTokenFor, sameHash } from './orderTokens';
export { createStaffVerifier, type StaffIdentity, type StaffVerifier } from './staffTokens';

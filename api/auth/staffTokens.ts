import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { ApiConfig } from '../../config/api';
import { DependencyUnavailable } from '../errors';
import { isStaffRole, type StaffRole } from './caller';
import { Unauthenticated } from './errors';

export interface StaffIdentity {
  subject: string;
  roles: StaffRole[];
}

export interface StaffVerifier {
  /** Unauthenticated when the JWT is not good; DependencyUnavailable when the JWKS cannot be fetched. */
  verify(jwt: string): Promise<StaffIdentity>;
}

// Asymmetric only: a shared-secret (HS*) token could be forged by anyone who can read the JWKS.
const ALGORITHMS = ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'EdDSA', 'Ed25519'];

/** Staff JWTs checked with jose against an OIDC provider's JWKS URL or a local JWKS file. */
export function createStaffVerifier(auth: ApiConfig['auth']): StaffVerifier {
  const keys = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl))
    : auth.jwksFile
      ? createLocalJWKSet(JSON.parse(readFileSync(auth.jwksFile, 'utf8')))
      : undefined;
  return {
    async verify(jwt) {
      if (!keys) throw new Unauthenticated('invalid', 'staff sign-in is not configured on this server');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(jwt, keys, {
          issuer: auth.issuer,
          audience: auth.audience,
          algorithms: ALGORITHMS,
          clockTolerance: 5,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new Unauthenticated('expired', 'the token has expired');
        if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError))
          throw new DependencyUnavailable('The identity provider', 'its signing keys cannot be fetched');
        throw new Unauthenticated('invalid', 'the token is not valid');
      }
      return { subject: String(payload.sub), roles: rolesIn(payload, auth.rolesClaim) };
    },
  };
}

/** The roles a token lists at a claim path such as `roles` or `realm_access.roles`; unknown ones are ignored. */
function rolesIn(payload: JWTPayload, claimPath: string): StaffRole[] {
  let value: unknown = payload;
  for (const segment of claimPath.split('.')) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  }
  const listed = Array.isArray(value) ? value : typeof value === 'string' ? value.split(' ') : [];
  return listed.filter(isStaffRole);
}

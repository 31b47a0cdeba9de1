import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { StaffRole } from './caller';

/** What `npm start` and the tests keep on disk instead of an identity provider. */
export interface LocalAuth {
  /** API_TOKEN_SECRET: order tokens are derived from it. */
  tokenSecret: string;
  /** AUTH_JWKS_FILE: the public key the API verifies staff tokens with. */
  jwksFile: string;
  /** The private key staff tokens are signed with (never given to the API). */
  signingKeyFile: string;
}

const ALG = 'ES256';

/** Creates the secret and the signing key in `dir` on first use; later calls read them back. */
export async function ensureLocalAuth(dir: string): Promise<LocalAuth> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretFile = join(dir, 'order-token-secret');
  const signingKeyFile = join(dir, 'staff-signing-key.json');
  const jwksFile = join(dir, 'staff-jwks.json');
  if (!existsSync(secretFile))
    writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  if (!existsSync(signingKeyFile) || !existsSync(jwksFile)) {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    writeFileSync(signingKeyFile, JSON.stringify(privateJwk), { mode: 0o600 });
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] }, null, 2));
  }
  return { tokenSecret: readFileSync(secretFile, 'utf8').trim(), jwksFile, signingKeyFile };
}

export interface StaffTokenRequest {
  subject: string;
  roles: StaffRole[];
  issuer: string;
  audience: string;
  /** Seconds from now; negative mints an already expired token (tests). */
  expiresInSeconds?: number;
}

/** A staff JWT signed with the local key, as an identity provider would issue it. */
export async function mintStaffToken(signingKeyFile: string, request: StaffTokenRequest): Promise<string> {
  const jwk = JSON.parse(readFileSync(signingKeyFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, ALG);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: request.roles })
    .setProtectedHeader({ alg: ALG, typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setSubject(request.subject)
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (request.expiresInSeconds ?? 12 * 3600))
    .sign(key);
}

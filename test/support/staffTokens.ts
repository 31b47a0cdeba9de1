import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalAuth, type LocalAuth, mintStaffToken, type StaffRole } from '../../api/auth';
import { type ApiConfig, apiConfig } from '../../config/api';

/** Bearer tokens for every kind of caller a test plays, signed with the same helper as `npm start`. */
export interface StaffTokens {
  barista: string;
  manager: string;
  /** A barista token whose `exp` has passed. */
  expired: string;
  /** Signed by the right key, but with no role this API knows. */
  noRole: string;
}

let local: Promise<LocalAuth> | undefined;

/** One signing key per test process, in a temporary folder. */
const localAuth = () => {
  local ??= ensureLocalAuth(mkdtempSync(join(tmpdir(), 'brew-saga-auth-')));
  return local;
};

/** Config overrides that make an API verify the test tokens. */
export async function authConfig(): Promise<Pick<ApiConfig, 'auth'>> {
  const { jwksFile } = await localAuth();
  return { auth: { ...apiConfig().auth, jwksUrl: undefined, jwksFile } };
}

export async function mintTestToken(roles: StaffRole[], expiresInSeconds = 3600, subject = 'test-staff') {
  const { signingKeyFile } = await localAuth();
  const { issuer, audience } = apiConfig().auth;
  return mintStaffToken(signingKeyFile, { subject, roles, issuer, audience, expiresInSeconds });
}

export async function staffTokens(): Promise<StaffTokens> {
  return {
    barista: await mintTestToken(['barista'], 3600, 'bea-barista'),
    manager: await mintTestToken(['manager'], 3600, 'max-manager'),
    expired: await mintTestToken(['barista'], -120, 'old-barista'),
    noRole: await mintTestToken([], 3600, 'nobody'),
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

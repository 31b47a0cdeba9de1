/** No credential, or one that is not valid (bad signature, expired, unknown token): 401. */
export class Unauthenticated extends Error {
  constructor(
    readonly reason: 'missing' | 'invalid' | 'expired',
    message: string,
  ) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** A valid credential without the right to this route: 403. */
export class Forbidden extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Forbidden';
  }
}

/** `WWW-Authenticate` for a 401 (RFC 6750): which scheme, and what was wrong with the token. */
export const challengeFor = (error: Unauthenticated): string =>
  error.reason === 'missing'
    ? 'Bearer realm="brew-saga"'
    : `Bearer realm="brew-saga", error="invalid_token", error_description="${error.message.replaceAll('"', "'")}"`;

import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** Who called the tab API, as the token's signed claims say. */
export interface TabIdentity {
  tenantId: string;
  aadObjectId: string;
  name: string | undefined;
}

export class TokenRejectedError extends Error {
  readonly code = 'TOKEN_REJECTED';
  constructor(readonly reason: string) {
    super(`token rejected: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}

/** The keys could not be fetched: our problem, not the caller's, so it is not a 401. */
export class KeysUnavailableError extends Error {
  readonly code = 'KEYS_UNAVAILABLE';
  constructor(cause: unknown) {
    super('the Entra ID signing keys could not be fetched', { cause });
    this.name = 'KeysUnavailableError';
  }
}

export type TokenVerifier = (token: string) => Promise<TabIdentity>;

/**
 * Verifies a Teams SSO token (an Entra ID access token for the tab's Application ID URI): signature
 * against the published keys, audience, expiry (with a minute of clock skew) and an issuer that matches
 * the token's own tenant, since a multi-tenant app accepts every tenant's tokens but only as themselves.
 */
export function createEntraTokenVerifier(options: { jwksUrl: string; audiences: string[] }): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
  });
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        audience: options.audiences,
        algorithms: ['RS256'],
        clockTolerance: 60,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) {
        throw new TokenRejectedError(err.code);
      }
      throw new KeysUnavailableError(err);
    }
    const tenantId = payload.tid;
    const aadObjectId = payload.oid;
    if (typeof tenantId !== 'string' || typeof aadObjectId !== 'string' || !tenantId || !aadObjectId) {
      throw new TokenRejectedError('missing tid or oid');
    }
    const issuers = [
      `https://login.microsoftonline.com/${tenantId}/v2.0`,
      `https://sts.windows.net/${tenantId}/`,
    ];
    if (!issuers.includes(String(payload.iss))) throw new TokenRejectedError('issuer does not match tenant');
    return { tenantId, aadObjectId, name: typeof payload.name === 'string' ? payload.name : undefined };
  };
}

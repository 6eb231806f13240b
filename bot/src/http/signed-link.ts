import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links that work without signing in (a calendar app fetching an .ics file cannot send a Teams token): the
 * path is signed with the service's secret and carries its expiry. Anyone with the link can use it until it
 * expires, like a meeting invitation; it reveals only what the file holds.
 */
export function signPath(secret: string, path: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${path}?exp=${exp}&sig=${signature(secret, path, exp)}`;
}

export type LinkCheck = 'valid' | 'expired' | 'invalid';

export function checkSignedPath(
  secret: string,
  path: string,
  exp: unknown,
  sig: unknown,
  now: Date,
): LinkCheck {
  if (
    typeof exp !== 'string' ||
    !/^\d{1,12}$/.test(exp) ||
    typeof sig !== 'string' ||
    !/^[\w-]{43}$/.test(sig)
  ) {
    return 'invalid';
  }
  const expected = Buffer.from(signature(secret, path, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return Number(exp) * 1000 < now.getTime() ? 'expired' : 'valid';
}

function signature(secret: string, path: string, exp: number): string {
  return createHmac('sha256', secret).update(`${path}\n${exp}`).digest('base64url');
}

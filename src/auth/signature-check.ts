import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { invalidToken } from './challenge';
import { claimsOnly, hasEdDSASignature } from './eddsa';

/**
 * What every token this server accepts goes through, ours and a trusted issuer's alike: its header read without
 * trusting it, then its signature checked with a key the server chose (never one the token names) and the
 * algorithm of that key, then the registered claims.
 */

/** The algorithms a key checks: ours, and those an identity provider's JWKS declares. */
export type VerifyingAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'HS256';

// README "Tokens": a token is dead within a second of its `exp` (and not yet alive more than a second before its `iat`).
export const CLOCK_TOLERANCE_SECONDS = 1;

function describeVerifyError(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'the token has expired';
  if (error instanceof jwt.NotBeforeError) return 'the token is not valid yet';
  const message = error instanceof Error ? error.message : '';
  if (message === 'invalid signature') return 'the signature does not match';
  if (message.startsWith('jwt issuer invalid')) return 'the token was issued by another issuer';
  if (message.startsWith('jwt audience invalid')) return 'the token is meant for another audience';
  if (message === 'invalid algorithm' || message.includes('algorithm')) return 'the token is signed with an algorithm this server does not accept';
  if (message === 'jwt signature is required') return 'the token is not signed';
  return 'the token is malformed';
}

/** Header parameters that would have a token name its own key or where to fetch one: never followed here. */
const KEY_SOURCE_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];

/** A token's header and payload, unverified: for choosing the key, never for trusting anything they say. */
export function decodeUnverified(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch {
    decoded = null;
  }
  if (!decoded || typeof decoded.header !== 'object' || typeof decoded.payload !== 'object' || decoded.payload === null)
    throw invalidToken('the token is malformed');
  const header = decoded.header as unknown as Record<string, unknown>;
  if (KEY_SOURCE_HEADERS.some((name) => name in header))
    throw invalidToken('the token names a key of its own (jwk, jku, x5u or x5c); this server uses the keys it knows only');
  return { header, payload: decoded.payload as Record<string, unknown> };
}

/**
 * The signature with `key` and the key's own `alg` (RFC 8725 §3.1: a token's `alg` never chooses how it is checked),
 * then `exp`, `nbf` and whatever `checks` add (issuer, audience). The decoded token, or an invalid_token.
 */
export function verifySigned(token: string, key: KeyObject, alg: VerifyingAlgorithm, checks: jwt.VerifyOptions): jwt.Jwt {
  const claimChecks: jwt.VerifyOptions = { clockTolerance: CLOCK_TOLERANCE_SECONDS, ...checks };
  let decoded: jwt.Jwt;
  try {
    if (alg === 'EdDSA') {
      if (!hasEdDSASignature(token, key)) throw new jwt.JsonWebTokenError('invalid signature');
      const claims = jwt.verify(claimsOnly(token), undefined as never, { ...claimChecks, algorithms: ['none'], complete: true });
      decoded = { ...claims, header: jwt.decode(token, { complete: true })!.header };
    } else {
      decoded = jwt.verify(token, key, { ...claimChecks, algorithms: [alg], complete: true });
    }
  } catch (error) {
    throw invalidToken(describeVerifyError(error));
  }
  // RFC 7515 §4.1.11: a recipient must reject a token whose `crit` names an extension it does not understand,
  // and this server understands none (an empty or malformed `crit` is invalid in itself).
  if ('crit' in decoded.header) throw invalidToken('the token has a crit header naming extensions this server does not understand');
  return decoded;
}

/** jsonwebtoken checks `exp` and `nbf`, not `iat`: a token from the future was not issued by a clock in step with ours. */
export function refuseFutureIat(iat: unknown, nowSeconds: number): void {
  if (typeof iat === 'number' && iat > nowSeconds + CLOCK_TOLERANCE_SECONDS)
    throw invalidToken('the token was issued in the future (its iat is ahead of the clock)');
}

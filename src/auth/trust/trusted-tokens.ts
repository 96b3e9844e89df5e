import type { JwtPayload } from 'jsonwebtoken';
import type { TrustSettings } from './trust-settings';
import { invalidToken } from '../challenge';
import { CLOCK_TOLERANCE_SECONDS, decodeUnverified, refuseFutureIat, verifySigned } from '../signature-check';
import { makeVerifiedCache } from '../verified-cache';
import type { TrustedKey } from './jwk-keys';
import { makeRemoteKeySet, type RemoteKeySet } from './remote-key-set';

/** A token of a trusted identity provider whose signature and claims hold: who issued it, and what it says. */
export interface TrustedToken {
  issuer: string;
  sub: string;
  exp: number;
  payload: JwtPayload;
}

export interface TrustedTokens {
  /** The trusted issuer a token claims, read unverified (only to choose where its keys come from); else undefined. */
  claimedIssuer(token: string): string | undefined;
  /** The token checked against its provider's keys; an invalid_token saying what is wrong. */
  verify(token: string): Promise<TrustedToken>;
  /** Fetches every provider's keys; the issuers that could not be reached, each with why (for the start's warnings). */
  load(): Promise<Array<{ issuer: string; problem: string }>>;
  readonly issuers: readonly string[];
  /** The audiences a token must name one of; undefined: any. */
  readonly audiences?: readonly string[];
}

/**
 * What identity providers put in `typ` of an access token: nothing, `JWT` (Auth0, Keycloak, Entra ID) or RFC 9068's
 * `at+jwt`. Anything else (`logout+jwt`, `dpop+jwt`, `secevent+jwt`) is a token for another purpose.
 */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
const isAccessTokenType = (typ: unknown) => typ === undefined || (typeof typ === 'string' && ACCESS_TOKEN_TYPES.has(typ.toLowerCase()));

// A caller's id, as the request log and the records' owner field show it: visible characters and inner spaces only
// (no control, format — zero-width, bidi — or unassigned code points, no line separators), at most 255 of them.
const PLAIN_SUB = /^[^\p{C}\p{Z}][^\p{C}\p{Zl}\p{Zp}]{0,254}$/u;

function checkClaims(payload: JwtPayload, nowSeconds: number): TrustedToken['sub'] {
  if (typeof payload.exp !== 'number') throw invalidToken('the token has no exp: this server accepts no token that never expires');
  if (payload.iat !== undefined && typeof payload.iat !== 'number') throw invalidToken('the token has an iat that is not a number');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidToken('the token has no sub naming the caller');
  if (!PLAIN_SUB.test(payload.sub)) throw invalidToken('the token has a sub with invisible or control characters, or over 255 of them');
  refuseFutureIat(payload.iat, nowSeconds);
  return payload.sub;
}

export function makeTrustedTokens(settings: TrustSettings, now: () => number): TrustedTokens {
  const keySets = new Map<string, RemoteKeySet>(settings.issuers.map(({ issuer, jwksUri }) => [issuer, makeRemoteKeySet(issuer, jwksUri, now)]));
  const nowSeconds = () => Math.floor(now() / 1000);
  const verified = makeVerifiedCache<{ token: TrustedToken; key: TrustedKey }>();

  function claimedIssuer(token: string): string | undefined {
    const iss = token.split('.', 3).length === 3 ? safePayloadIss(token) : undefined;
    return typeof iss === 'string' && keySets.has(iss) ? iss : undefined;
  }

  async function verify(token: string): Promise<TrustedToken> {
    const hit = verified.get(token, nowSeconds());
    if (hit !== undefined && keySets.get(hit.token.issuer)?.holds(hit.key)) return hit.token;
    const { header, payload } = decodeUnverified(token);
    const keySet = typeof payload.iss === 'string' ? keySets.get(payload.iss) : undefined;
    if (!keySet) throw invalidToken('the token was issued by another issuer');
    if (!isAccessTokenType(header.typ)) throw invalidToken(`the token is not an access token (its typ is ${JSON.stringify(header.typ)})`);
    const key = await keySet.keyFor(header.kid);
    if (header.alg !== key.alg) throw invalidToken('the token is signed with an algorithm its key is not for');
    const decoded = verifySigned(token, key.key, key.alg, {
      issuer: keySet.issuer,
      ...(settings.audiences ? { audience: settings.audiences as [string, ...string[]] } : {}),
      clockTimestamp: nowSeconds(),
    });
    const claims = decoded.payload as JwtPayload;
    const result: TrustedToken = Object.freeze({
      issuer: keySet.issuer,
      sub: checkClaims(claims, nowSeconds()),
      exp: claims.exp!,
      payload: Object.freeze(claims),
    });
    verified.remember(token, {
      value: { token: result, key },
      validFrom: Math.max(claims.iat ?? -Infinity, claims.nbf ?? -Infinity) - CLOCK_TOLERANCE_SECONDS,
      validUntil: result.exp + CLOCK_TOLERANCE_SECONDS,
    });
    return result;
  }

  async function load() {
    const problems = await Promise.all(
      [...keySets.values()].map((keySet) =>
        keySet.load().then(
          () => undefined,
          (error: unknown) => ({ issuer: keySet.issuer, problem: error instanceof Error ? error.message : String(error) }),
        ),
      ),
    );
    return problems.filter((problem) => problem !== undefined);
  }

  return { claimedIssuer, verify, load, issuers: [...keySets.keys()], ...(settings.audiences ? { audiences: settings.audiences } : {}) };
}

/** The `iss` of a compact token's payload, or undefined when the payload is not JSON. */
function safePayloadIss(token: string): unknown {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' ? (payload as { iss?: unknown }).iss : undefined;
  } catch {
    return undefined;
  }
}

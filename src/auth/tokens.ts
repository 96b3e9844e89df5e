import { randomUUID, type KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { invalidToken } from './challenge';
import { claimsOnly, hasEdDSASignature, signEdDSA } from './eddsa';
import type { IssuerPolicy, RequestOrigin } from './issuer-policy';
import type { SigningAlgorithm } from './key-pairs';
import type { SigningKeys } from './signing-keys';
import { makeVerifiedCache } from './verified-cache';

/** RFC 9068 media type of an OAuth 2.0 access token in JWT form; a JWT without it is not our access token. */
const ACCESS_TOKEN_TYPE = 'at+jwt';
// README "Tokens": a token is dead within a second of its `exp` (and not yet alive more than a second before its `iat`).
const CLOCK_TOLERANCE_SECONDS = 1;

export interface AccessClaims {
  sub: string;
  email: string;
  role: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud?: string;
}

export interface TokenSubject {
  id: string | number;
  email: string;
  role: string;
}

export interface TokenServiceOptions {
  /** The key that signs, and the keys that verify (signing-keys.ts). */
  keys: SigningKeys;
  issuer: IssuerPolicy;
  audience?: string;
  accessTtlSeconds: number;
  /** Milliseconds since the epoch; injectable so tests move time instead of sleeping. */
  now: () => number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  claims: AccessClaims;
}

export interface TokenService {
  /** `origin`: the request the token answers, whose origin is the `iss` when the issuer is the server's URL. */
  issueAccessToken(subject: TokenSubject, sessionId: string, origin?: RequestOrigin): IssuedToken;
  /** The token's claims, or an `invalid_token` ApiError saying what is wrong with it. */
  verifyAccessToken(token: string): AccessClaims;
  /** Whether verified claims have expired since (by the same clock and tolerance as verifyAccessToken). */
  hasExpired(claims: AccessClaims): boolean;
}

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

function isAccessClaims(payload: JwtPayload | string): payload is JwtPayload & AccessClaims {
  if (typeof payload === 'string') return false;
  return (
    typeof payload.sub === 'string' &&
    typeof payload.email === 'string' &&
    typeof payload.role === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.jti === 'string' &&
    typeof payload.iat === 'number' &&
    typeof payload.exp === 'number'
  );
}

/** Header parameters that would have a token name its own key or where to fetch one: ours never carry them. */
const KEY_SOURCE_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];

/**
 * The key a token is checked with: the one of ours its `kid` names, with that key's algorithm (RFC 8725 §3.1: the
 * algorithm is the key's, never the token's choice). So an HS256 token keyed with our public key, `alg: none`, a
 * kid we never had or have dropped, and a key the token carries itself are all refused before any signature check.
 */
function verifyingKey(keys: SigningKeys, token: string) {
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch {
    decoded = null;
  }
  if (!decoded || typeof decoded.header !== 'object') throw invalidToken('the token is malformed');
  const header = decoded.header as unknown as Record<string, unknown>;
  if (KEY_SOURCE_HEADERS.some((name) => name in header))
    throw invalidToken('the token names a key of its own (jwk, jku, x5u or x5c); this server uses its own keys only');
  const verifier = keys.verifierFor(header.kid);
  if (!verifier)
    throw invalidToken(header.kid === undefined ? "the token has no kid naming one of this server's keys" : "the token's kid names no key of this server");
  if (header.alg !== verifier.alg) throw invalidToken('the token is signed with an algorithm this server does not accept');
  return { ...verifier, kid: header.kid };
}

/** What a verification found: the claims, and the key that checked them, which must still be ours on a cache hit. */
interface Verified {
  claims: AccessClaims;
  kid: unknown;
  key: KeyObject;
}

/** What a token is checked against besides its key: the issuer, the audience, and the clock (in seconds). */
interface ClaimContext {
  issuer: IssuerPolicy;
  audience?: string;
  nowSeconds: () => number;
}

/** The signature with the key of ours the kid named, then the claims: the token's claims, or an invalid_token. */
function verifySignatureAndClaims(token: string, key: KeyObject, alg: SigningAlgorithm, { issuer, audience, nowSeconds }: ClaimContext): AccessClaims {
  const claimChecks: jwt.VerifyOptions = {
    ...(issuer.fixed === undefined ? {} : { issuer: issuer.fixed }),
    ...(audience === undefined ? {} : { audience }),
    clockTimestamp: nowSeconds(),
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  let decoded: jwt.Jwt;
  try {
    if (alg === 'EdDSA') {
      if (!hasEdDSASignature(token, key)) throw new jwt.JsonWebTokenError('invalid signature');
      const claims = jwt.verify(claimsOnly(token), undefined as never, { ...claimChecks, algorithms: ['none'], complete: true });
      decoded = { ...claims, header: jwt.decode(token, { complete: true })!.header };
    } else {
      // The key's own algorithm: a token's `alg` never chooses how it is checked.
      decoded = jwt.verify(token, key, { ...claimChecks, algorithms: [alg], complete: true });
    }
  } catch (error) {
    throw invalidToken(describeVerifyError(error));
  }
  if (issuer.fixed === undefined && !issuer.accepts((decoded.payload as JwtPayload).iss)) throw invalidToken('the token was issued by another issuer');
  // RFC 7515 §4.1.11: a recipient must reject a token whose `crit` names an extension it does not understand,
  // and this server understands none (an empty or malformed `crit` is invalid in itself).
  if ('crit' in decoded.header) throw invalidToken('the token has a crit header naming extensions this server does not understand');
  const type = String(decoded.header.typ ?? '').toLowerCase();
  if (type !== ACCESS_TOKEN_TYPE && type !== `application/${ACCESS_TOKEN_TYPE}`) {
    throw invalidToken('the token is not an access token (its typ is not at+jwt)');
  }
  if (!isAccessClaims(decoded.payload)) throw invalidToken('the token lacks required claims');
  // jsonwebtoken checks exp and nbf, not iat. A token from the future was not issued by this server's clock.
  if (decoded.payload.iat > nowSeconds() + CLOCK_TOLERANCE_SECONDS) throw invalidToken('the token was issued in the future (its iat is ahead of the clock)');
  return decoded.payload;
}

export function makeTokenService(options: TokenServiceOptions): TokenService {
  const { keys, issuer, audience, accessTtlSeconds, now } = options;
  const nowSeconds = () => Math.floor(now() / 1000);

  function issueAccessToken(subject: TokenSubject, sessionId: string, origin?: RequestOrigin): IssuedToken {
    const iat = nowSeconds();
    const claims: AccessClaims = {
      sub: String(subject.id),
      email: subject.email,
      role: subject.role,
      sid: sessionId,
      jti: randomUUID(),
      iat,
      exp: iat + accessTtlSeconds,
      iss: issuer.issuerFor(origin, { minting: true }),
      ...(audience === undefined ? {} : { aud: audience }),
    };
    const { key, alg, kid } = keys.signer();
    const header = { alg, typ: ACCESS_TOKEN_TYPE, ...(kid === undefined ? {} : { kid }) };
    const token = alg === 'EdDSA' ? signEdDSA(claims, key, header) : jwt.sign(claims, key, { algorithm: alg, header });
    return { token, expiresIn: accessTtlSeconds, claims };
  }

  // README "Durability and speed": each token's signature is checked once; its session, on every request.
  const verified = makeVerifiedCache<Verified>();

  function verifyAccessToken(token: string): AccessClaims {
    const hit = verified.get(token, nowSeconds());
    // The key that checked it must still verify (a retired key past its tokens' lifetime, a key gone from keys.json).
    if (hit !== undefined && keys.verifierFor(hit.kid)?.key === hit.key) return hit.claims;
    const { key, alg, kid } = verifyingKey(keys, token);
    const claims = Object.freeze(verifySignatureAndClaims(token, key, alg, { issuer, audience, nowSeconds }));
    verified.remember(token, {
      value: { claims, kid, key },
      // As jsonwebtoken and the iat check decide it: not before `nbf` or `iat`, less the tolerance.
      validFrom: Math.max(claims.iat, (claims as JwtPayload).nbf ?? -Infinity) - CLOCK_TOLERANCE_SECONDS,
      validUntil: claims.exp + CLOCK_TOLERANCE_SECONDS,
    });
    return claims;
  }

  // As jsonwebtoken decides it: dead from `exp` plus the tolerance on.
  const hasExpired = (claims: AccessClaims) => nowSeconds() >= claims.exp + CLOCK_TOLERANCE_SECONDS;

  return { issueAccessToken, verifyAccessToken, hasExpired };
}

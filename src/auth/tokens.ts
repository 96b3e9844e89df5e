import { randomUUID, type KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { invalidToken } from './challenge';
import { signEdDSA } from './eddsa';
import type { IssuerPolicy, RequestOrigin } from './issuer-policy';
import type { SigningAlgorithm } from './key-pairs';
import type { SigningKeys } from './signing-keys';
import { CLOCK_TOLERANCE_SECONDS, decodeUnverified, refuseFutureIat, verifySigned } from './signature-check';
import { makeVerifiedCache } from './verified-cache';

/** RFC 9068 media type of an OAuth 2.0 access token in JWT form; a JWT without it is not our access token. */
const ACCESS_TOKEN_TYPE = 'at+jwt';

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
  /** Every role the caller has, when it is more than `role`: a trusted token's role claim may list several. */
  roles?: readonly string[];
  /** Set when a trusted identity provider issued the token (README "Use your own identity provider"); it has no session here. */
  trusted?: TrustedOrigin;
}

export interface TrustedOrigin {
  /** The provider's `iss`. */
  issuer: string;
  /** The token's email is a local account's, and the caller is that account; else an external caller (id = `sub`). */
  localAccount: boolean;
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

/**
 * The key a token is checked with: the one of ours its `kid` names, with that key's algorithm (RFC 8725 §3.1: the
 * algorithm is the key's, never the token's choice). So an HS256 token keyed with our public key, `alg: none`, a
 * kid we never had or have dropped, and a key the token carries itself are all refused before any signature check.
 */
function verifyingKey(keys: SigningKeys, token: string) {
  const { header } = decodeUnverified(token);
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
  const decoded = verifySigned(token, key, alg, {
    ...(issuer.fixed === undefined ? {} : { issuer: issuer.fixed }),
    ...(audience === undefined ? {} : { audience }),
    clockTimestamp: nowSeconds(),
  });
  if (issuer.fixed === undefined && !issuer.accepts((decoded.payload as JwtPayload).iss)) throw invalidToken('the token was issued by another issuer');
  const type = String(decoded.header.typ ?? '').toLowerCase();
  if (type !== ACCESS_TOKEN_TYPE && type !== `application/${ACCESS_TOKEN_TYPE}`) {
    throw invalidToken('the token is not an access token (its typ is not at+jwt)');
  }
  if (!isAccessClaims(decoded.payload)) throw invalidToken('the token lacks required claims');
  refuseFutureIat(decoded.payload.iat, nowSeconds());
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

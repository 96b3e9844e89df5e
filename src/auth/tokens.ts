import { randomUUID, type KeyObject } from 'node:crypto';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import { invalidToken } from './challenge';

/** The one signing algorithm, with the secret of signing-key.ts; verification accepts exactly this one. */
export const SIGNING_ALGORITHM: Algorithm = 'HS256';

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
  key: KeyObject;
  algorithm: Algorithm;
  issuer: string;
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
  issueAccessToken(subject: TokenSubject, sessionId: string): IssuedToken;
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

export function makeTokenService(options: TokenServiceOptions): TokenService {
  const { key, algorithm, issuer, audience, accessTtlSeconds, now } = options;
  const nowSeconds = () => Math.floor(now() / 1000);

  function issueAccessToken(subject: TokenSubject, sessionId: string): IssuedToken {
    const iat = nowSeconds();
    const claims: AccessClaims = {
      sub: String(subject.id),
      email: subject.email,
      role: subject.role,
      sid: sessionId,
      jti: randomUUID(),
      iat,
      exp: iat + accessTtlSeconds,
      iss: issuer,
      ...(audience === undefined ? {} : { aud: audience }),
    };
    const token = jwt.sign(claims, key, { algorithm, header: { alg: algorithm, typ: ACCESS_TOKEN_TYPE } });
    return { token, expiresIn: accessTtlSeconds, claims };
  }

  function verifyAccessToken(token: string): AccessClaims {
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, key, {
        algorithms: [algorithm],
        issuer,
        ...(audience === undefined ? {} : { audience }),
        clockTimestamp: nowSeconds(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        complete: true,
      });
    } catch (error) {
      throw invalidToken(describeVerifyError(error));
    }
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

  // As jsonwebtoken decides it: dead from `exp` plus the tolerance on.
  const hasExpired = (claims: AccessClaims) => nowSeconds() >= claims.exp + CLOCK_TOLERANCE_SECONDS;

  return { issueAccessToken, verifyAccessToken, hasExpired };
}

import { randomUUID, type KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { invalidToken } from './challenge';
import { withoutReservedClaims } from './custom-claims';
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
  /** Absent for an account that has only a username (README "Login by username"). */
  email?: string;
  /** The account's username, when it has one (OIDC Core §5.1's claim for it). */
  preferred_username?: string;
  role: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud?: string;
  /** Whether the account's email is verified (README "Email verification"); the account's current value, as `role`. */
  email_verified?: boolean;
  /** Every role the caller has, when it is more than `role`: a trusted token's role claim may list several. */
  roles?: readonly string[];
  /** Set when a trusted identity provider issued the token (README "Use your own identity provider"); it has no session here. */
  trusted?: TrustedOrigin;
  /** Set (by the authenticate step only) for a service token of a client: no account, no session (`sid` and `email` are ""). */
  service?: { clientId: string };
}

/** The `sub` of a service token: `client:<client_id>`. */
export const SERVICE_SUBJECT_PREFIX = 'client:';

/**
 * A service token as signed (the client_credentials grant, RFC 6749 §4.4): a client, no account, no session. What
 * marks it is a shape only issueServiceToken writes: no `sid`, a `client_id` (RFC 9068 §2.2), and `sub` =
 * `client:<client_id>`, so a backend reading the JWT sees a client, never an account id. A token with a `sid` is
 * a session's whatever else it carries, so no claim added to an account's token turns it into a service token.
 */
export interface ServiceTokenClaims {
  sub: string;
  client_id: string;
  /** What the client's role was at minting; the authenticate step reads the clients list's current one. */
  role: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud?: string;
}

/** What a good signature carries: the claims of a session's token, or of a service token. */
export type VerifiedClaims = AccessClaims | ServiceTokenClaims;

export const isServiceToken = (claims: VerifiedClaims): claims is ServiceTokenClaims => !('sid' in claims) && 'client_id' in claims;

/** The client a service token is minted for, and the role its tokens carry. */
export interface ServiceSubject {
  clientId: string;
  role: string;
}

export interface TrustedOrigin {
  /** The provider's `iss`. */
  issuer: string;
  /** The token's email is a local account's, and the caller is that account; else an external caller (id = `sub`). */
  localAccount: boolean;
}

export interface TokenSubject {
  id: string | number;
  email?: string;
  username?: string;
  role: string;
  /** The `email_verified` claim; none when not given (`fake-jwt-api token`). */
  emailVerified?: boolean;
  /** --claims: profile fields as of minting (README "Custom claims"); never one the server sets, whatever the caller passes. */
  claims?: Readonly<Record<string, unknown>>;
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

export interface IssuedToken<Claims = AccessClaims> {
  token: string;
  expiresIn: number;
  claims: Claims;
}

export interface TokenService {
  /**
   * `origin`: the request the token answers, whose origin is the `iss` when the issuer is the server's URL.
   * `lifetimeSeconds`: a shorter life than the service's (a session's --allow-client-ttl one); never a longer one.
   */
  issueAccessToken(subject: TokenSubject, sessionId: string, origin?: RequestOrigin, lifetimeSeconds?: number): IssuedToken;
  /** A service token (the client_credentials grant): the client's, with no session. */
  issueServiceToken(subject: ServiceSubject, origin?: RequestOrigin): IssuedToken<ServiceTokenClaims>;
  /** The token's claims, or an `invalid_token` ApiError saying what is wrong with it. */
  verifyAccessToken(token: string): VerifiedClaims;
  /** Whether verified claims have expired since (by the same clock and tolerance as verifyAccessToken). */
  hasExpired(claims: { exp: number }): boolean;
}

const hasCommonClaims = (payload: JwtPayload) =>
  typeof payload.sub === 'string' &&
  typeof payload.role === 'string' &&
  typeof payload.jti === 'string' &&
  typeof payload.iat === 'number' &&
  typeof payload.exp === 'number';

const isAbsentOr = (value: unknown, type: 'string') => value === undefined || typeof value === type;

/** A session's token: an account (`sub`, and its `email` or `preferred_username` or both) and its session (`sid`). */
const isSessionClaims = (payload: JwtPayload): payload is JwtPayload & AccessClaims =>
  hasCommonClaims(payload) && typeof payload.sid === 'string' && isAbsentOr(payload.email, 'string') && isAbsentOr(payload.preferred_username, 'string');

/** A service token: exactly the shape issueServiceToken writes (ServiceTokenClaims says why). */
const isServiceClaims = (payload: JwtPayload): payload is JwtPayload & ServiceTokenClaims =>
  hasCommonClaims(payload) &&
  payload.sid === undefined &&
  typeof payload.client_id === 'string' &&
  payload.sub === `${SERVICE_SUBJECT_PREFIX}${payload.client_id}`;

function verifiedClaimsOf(payload: JwtPayload | string): VerifiedClaims {
  if (typeof payload !== 'string' && (isSessionClaims(payload) || isServiceClaims(payload))) return payload;
  throw invalidToken('the token lacks required claims');
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
  claims: VerifiedClaims;
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
function verifySignatureAndClaims(token: string, key: KeyObject, alg: SigningAlgorithm, { issuer, audience, nowSeconds }: ClaimContext): VerifiedClaims {
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
  const claims = verifiedClaimsOf(decoded.payload);
  refuseFutureIat(claims.iat, nowSeconds());
  return claims;
}

export function makeTokenService(options: TokenServiceOptions): TokenService {
  const { keys, issuer, audience, accessTtlSeconds, now } = options;
  const nowSeconds = () => Math.floor(now() / 1000);

  /**
   * A lifetime asked for, as this service allows it: a whole number of seconds from 1 to accessTtlSeconds. The
   * login checked it already; a sessions.json edited by hand may still hold anything.
   */
  const lifetimeOf = (asked: number | undefined) =>
    asked !== undefined && Number.isFinite(asked) && asked >= 1 ? Math.min(Math.floor(asked), accessTtlSeconds) : accessTtlSeconds;

  /** The claims every access token has: a fresh jti, the times (`lifetime` apart), the issuer and audience. */
  function registeredClaims(origin: RequestOrigin | undefined, lifetime = accessTtlSeconds) {
    const iat = nowSeconds();
    const iss = issuer.issuerFor(origin, { minting: true });
    return { jti: randomUUID(), iat, exp: iat + lifetime, iss, ...(audience === undefined ? {} : { aud: audience }) };
  }

  function signed<Claims extends VerifiedClaims>(claims: Claims): IssuedToken<Claims> {
    const { key, alg, kid } = keys.signer();
    const header = { alg, typ: ACCESS_TOKEN_TYPE, ...(kid === undefined ? {} : { kid }) };
    const token = alg === 'EdDSA' ? signEdDSA(claims, key, header) : jwt.sign(claims, key, { algorithm: alg, header });
    return { token, expiresIn: claims.exp - claims.iat, claims };
  }

  function issueAccessToken(subject: TokenSubject, sessionId: string, origin?: RequestOrigin, lifetimeSeconds?: number): IssuedToken {
    const verified = subject.emailVerified === undefined ? {} : { email_verified: subject.emailVerified };
    return signed<AccessClaims>({
      // First, and without reserved names: no custom claim stands in for one of the server's (README "Custom claims").
      ...(subject.claims && withoutReservedClaims(subject.claims)),
      sub: String(subject.id),
      ...(subject.email === undefined ? {} : { email: subject.email }),
      ...(subject.username === undefined ? {} : { preferred_username: subject.username }),
      role: subject.role,
      ...verified,
      sid: sessionId,
      ...registeredClaims(origin, lifetimeOf(lifetimeSeconds)),
    });
  }

  function issueServiceToken({ clientId, role }: ServiceSubject, origin?: RequestOrigin): IssuedToken<ServiceTokenClaims> {
    return signed<ServiceTokenClaims>({ sub: `${SERVICE_SUBJECT_PREFIX}${clientId}`, client_id: clientId, role, ...registeredClaims(origin) });
  }

  // README "Durability and speed": each token's signature is checked once; its session, on every request.
  const verified = makeVerifiedCache<Verified>();

  function verifyAccessToken(token: string): VerifiedClaims {
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
  const hasExpired = (claims: { exp: number }) => nowSeconds() >= claims.exp + CLOCK_TOLERANCE_SECONDS;

  return { issueAccessToken, issueServiceToken, verifyAccessToken, hasExpired };
}

import { ConfigError } from '../errors';
import { parseDuration } from './duration';
import { nonEmptyString, oneOf } from './option-checks';
import { OPTION_TABLE } from './option-table';
import { checkCustomClaimNames } from '../auth/custom-claims';
import type { SigningAlgorithm } from '../auth/key-pairs';
import type { ServerOptions } from './server-options';

/** How tokens are signed and how long they live; how sessions end; how the refresh cookie is set. */
export interface ResolvedTokens {
  secret?: string;
  /** --alg: HS256 with a secret (--secret, JWT_SECRET), else a key pair of the state folder. */
  alg: SigningAlgorithm;
  accessTtlSeconds: number;
  /** --allow-client-ttl: a login's `expiresIn` sets its session's access-token lifetime, up to accessTtlSeconds. */
  allowClientTtl: boolean;
  refreshTtlSeconds: number;
  sessionTtlSeconds: number;
  /** --refresh-reuse-interval, in milliseconds; 0 is strict. */
  refreshReuseIntervalMs: number;
  /** --issuer; with HS256 `fake-jwt-api`; undefined with a key pair: the server's origin as each request sees it. */
  issuer?: string;
  audience?: string;
  /** --claims: the profile fields tokens carry, checked (README "Custom claims"). */
  claims: readonly string[];
  singleSession: boolean;
  cookie: boolean;
  cookieSecure: boolean;
  cookieSameSite: NonNullable<ServerOptions['cookieSameSite']>;
}

function seconds(flag: string, value: string | number | undefined, fallback: string): number {
  const parsed = parseDuration(value ?? fallback);
  if (parsed === undefined)
    throw new ConfigError('ERR_OPTION', `${flag}: "${value}" is not a duration; use seconds or a number with s, m, h, d or w, like 15m or 1h`);
  return parsed;
}

/** `0`, `0s`, `0m`...: a duration of nothing, which --refresh-reuse-interval takes (strict), where lifetimes may not. */
const isZero = (value: string | number | undefined) => value === 0 || (typeof value === 'string' && /^\s*0+\s*[smhdw]?\s*$/i.test(value));

/** The issuer of 0.1, kept with HS256: course material that verifies with a shared secret checks it. */
const HS256_ISSUER = 'fake-jwt-api';
/** Without --alg: a key pair (tokens anyone can verify with the JWKS), or HS256 when a secret is given. */
export const DEFAULT_ALG: SigningAlgorithm = 'RS256';

function resolveAlg(options: ServerOptions): SigningAlgorithm {
  if (options.alg === undefined) return options.secret === undefined ? DEFAULT_ALG : 'HS256';
  const alg = oneOf('alg', options.alg, OPTION_TABLE.alg.choices);
  if (alg !== 'HS256' && options.secret !== undefined)
    throw new ConfigError('ERR_OPTION', `alg: ${alg} signs with a key pair, not a secret; leave out --secret / JWT_SECRET, or use --alg HS256`);
  return alg;
}

export function resolveTokens(options: ServerOptions): ResolvedTokens {
  const { accessTtl, refreshTtl, sessionTtl, refreshReuseInterval, cookieSameSite } = OPTION_TABLE;
  const sameSite = oneOf('cookie-same-site', options.cookieSameSite ?? cookieSameSite.default, cookieSameSite.choices);
  if (sameSite === 'None' && !options.cookieSecure)
    throw new ConfigError('ERR_OPTION', 'cookie-same-site: None needs --cookie-secure (browsers drop such cookies otherwise)');
  return {
    secret: options.secret,
    alg: resolveAlg(options),
    accessTtlSeconds: seconds('access-ttl', options.accessTtl, accessTtl.default),
    allowClientTtl: options.allowClientTtl ?? false,
    refreshTtlSeconds: seconds('refresh-ttl', options.refreshTtl, refreshTtl.default),
    sessionTtlSeconds: seconds('session-ttl', options.sessionTtl, sessionTtl.default),
    refreshReuseIntervalMs: isZero(options.refreshReuseInterval)
      ? 0
      : 1000 * seconds('refresh-reuse-interval', options.refreshReuseInterval, refreshReuseInterval.default),
    issuer: nonEmptyString('issuer', options.issuer) ?? (resolveAlg(options) === 'HS256' ? HS256_ISSUER : undefined),
    audience: nonEmptyString('audience', options.audience),
    claims: checkCustomClaimNames('--claims', options.claims),
    singleSession: options.singleSession ?? false,
    cookie: options.cookie ?? false,
    cookieSecure: options.cookieSecure ?? false,
    cookieSameSite: sameSite,
  };
}

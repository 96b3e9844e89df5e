import { ConfigError } from '../errors';
import { parseDuration } from './duration';
import { nonEmptyString, oneOf } from './option-checks';
import { OPTION_TABLE } from './option-table';
import type { ServerOptions } from './server-options';

/** How tokens are signed and how long they live; how sessions end; how the refresh cookie is set. */
export interface ResolvedTokens {
  secret?: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  sessionTtlSeconds: number;
  issuer: string;
  audience?: string;
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

export function resolveTokens(options: ServerOptions): ResolvedTokens {
  const { accessTtl, refreshTtl, sessionTtl, cookieSameSite } = OPTION_TABLE;
  const sameSite = oneOf('cookie-same-site', options.cookieSameSite ?? cookieSameSite.default, cookieSameSite.choices);
  if (sameSite === 'None' && !options.cookieSecure)
    throw new ConfigError('ERR_OPTION', 'cookie-same-site: None needs --cookie-secure (browsers drop such cookies otherwise)');
  return {
    secret: options.secret,
    accessTtlSeconds: seconds('access-ttl', options.accessTtl, accessTtl.default),
    refreshTtlSeconds: seconds('refresh-ttl', options.refreshTtl, refreshTtl.default),
    sessionTtlSeconds: seconds('session-ttl', options.sessionTtl, sessionTtl.default),
    issuer: nonEmptyString('issuer', options.issuer) ?? OPTION_TABLE.issuer.default,
    audience: nonEmptyString('audience', options.audience),
    singleSession: options.singleSession ?? false,
    cookie: options.cookie ?? false,
    cookieSecure: options.cookieSecure ?? false,
    cookieSameSite: sameSite,
  };
}

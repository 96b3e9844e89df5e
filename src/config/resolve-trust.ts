import { ConfigError } from '../errors';
import { nonEmptyString } from './option-checks';
import { OPTION_TABLE } from './option-table';
import type { ServerOptions } from './server-options';
import type { TrustSettings } from '../auth/trust/trust-settings';

export interface ResolvedTrust {
  /** Undefined without --trust: only this server's tokens are accepted. */
  trust?: TrustSettings;
}

/** An absolute http(s) URL, as given: an issuer is compared with a token's `iss` exactly, never normalized. */
function webUrl(flag: string, text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '')
    throw new ConfigError(
      'ERR_OPTION',
      `${flag}: "${text}" is not an http(s) URL; write it as the issuer's tokens name it, like https://your-tenant.auth0.com/`,
    );
  return text;
}

/** `--trust-jwks <url>` for the one issuer, or `<issuer-url>=<jwks-url>` naming which. */
function pairJwks(issuers: string[], values: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  if (values.length > 0 && issuers.length === 0) throw new ConfigError('ERR_OPTION', 'trust-jwks: name the issuer with --trust <issuer-url> too');
  for (const value of values) {
    const named = issuers.find((issuer) => value.startsWith(`${issuer}=`));
    if (!named && issuers.length > 1)
      throw new ConfigError('ERR_OPTION', `trust-jwks: "${value}" names no --trust issuer; with several issuers write <issuer-url>=<jwks-url>`);
    const issuer = named ?? issuers[0];
    if (pairs.has(issuer)) throw new ConfigError('ERR_OPTION', `trust-jwks: ${issuer} is given two JWKS URLs`);
    pairs.set(issuer, webUrl('trust-jwks', named ? value.slice(named.length + 1) : value));
  }
  return pairs;
}

function claimName(flag: string, value: unknown, fallback: string): string {
  return nonEmptyString(flag, value)?.trim() ?? fallback;
}

export function resolveTrust(options: ServerOptions): ResolvedTrust {
  const issuers = [...new Set((options.trust ?? []).map((issuer) => webUrl('trust', issuer)))];
  const jwks = pairJwks(issuers, options.trustJwks ?? []);
  const audiences = options.trustAudience?.filter((audience) => audience !== '');
  if (issuers.length === 0) {
    if (audiences?.length) throw new ConfigError('ERR_OPTION', 'trust-audience: it applies to --trust tokens; name the issuer with --trust <issuer-url>');
    return {};
  }
  return {
    trust: {
      issuers: issuers.map((issuer) => ({ issuer, ...(jwks.has(issuer) ? { jwksUri: jwks.get(issuer) } : {}) })),
      ...(audiences?.length ? { audiences } : {}),
      emailClaim: claimName('trust-email-claim', options.trustEmailClaim, OPTION_TABLE.trustEmailClaim.default),
      roleClaim: claimName('role-claim', options.roleClaim, OPTION_TABLE.roleClaim.default),
    },
  };
}

import { isIP } from 'node:net';
import { ConfigError } from '../errors';
import type { AllowedHosts } from '../http/host-check';
import { ANY_ORIGIN } from '../http/origins';
import type { ServerOptions } from './server-options';

/** Who may reach the server: pages of which origins, requests for which host names. */
export interface ResolvedReach {
  cors: boolean;
  corsOrigins: readonly string[];
  allowedHosts: AllowedHosts;
}

function resolveCorsOrigins(origins: readonly string[] = []): readonly string[] {
  for (const origin of origins) {
    if (origin !== ANY_ORIGIN && !/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError(
        'ERR_OPTION',
        `cors-origin: "${origin}" is not an origin like http://localhost:5173 (scheme, host, port; no path), nor '*' for any`,
      );
  }
  return origins;
}

/** `all` or `true` (as Vite's server.allowedHosts) turns the check off; names are compared in lower case. */
function resolveAllowedHosts(hosts: ServerOptions['allowedHosts'] = []): AllowedHosts {
  if (hosts === true || hosts === 'all') return 'all';
  if (!Array.isArray(hosts)) throw new ConfigError('ERR_OPTION', 'allowed-host: expected a list of host names, or "all"');
  const names = (hosts as unknown[]).map((host) => (typeof host === 'string' ? host.trim().toLowerCase().replace(/\.$/, '') : ''));
  if (names.some((name) => name === 'all' || name === 'true')) return 'all';
  for (const name of names) {
    if (isIP(name) === 0 && !/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) {
      throw new ConfigError(
        'ERR_OPTION',
        `allowed-host: "${name}" is not a host name; give the name alone (any port is allowed), like myapp.test, or .example.com for it and its subdomains, or all`,
      );
    }
  }
  return names;
}

export function resolveReach(options: ServerOptions): ResolvedReach {
  return {
    cors: options.cors ?? true,
    corsOrigins: resolveCorsOrigins(options.corsOrigins),
    allowedHosts: resolveAllowedHosts(options.allowedHosts),
  };
}

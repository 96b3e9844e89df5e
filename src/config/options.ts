import { resolveAccess, type ResolvedAccess } from './resolve-access';
import { resolveAccountFlows, type ResolvedAccountFlows } from './resolve-account-flows';
import { resolveLimits, type ResolvedLimits } from './resolve-limits';
import { resolvePlaces, type ResolvedPlaces } from './resolve-places';
import { resolveProvider, type ResolvedProvider } from './resolve-provider';
import { resolveReach, type ResolvedReach } from './resolve-reach';
import { resolveServing, type ResolvedServing } from './resolve-serving';
import { resolveTokens, type ResolvedTokens } from './resolve-tokens';
import { resolveTrust, type ResolvedTrust } from './resolve-trust';
import type { ServerOptions } from './server-options';

export type { ServerOptions } from './server-options';

/** ServerOptions with every default filled in and every value checked: what the server is built from. */
export interface ResolvedOptions
  extends
    ResolvedPlaces,
    ResolvedServing,
    ResolvedAccess,
    ResolvedTokens,
    ResolvedReach,
    ResolvedTrust,
    ResolvedProvider,
    ResolvedLimits,
    ResolvedAccountFlows {
  now: () => number;
  keepExternalEdits: boolean;
  watchUsers: boolean;
}

/** Fills in defaults and checks every option once, up front; a bad one is a ConfigError naming it. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  return {
    ...resolvePlaces(options),
    ...resolveServing(options),
    ...resolveAccess(options),
    ...resolveTokens(options),
    ...resolveReach(options),
    ...resolveTrust(options),
    ...resolveProvider(options),
    ...resolveLimits(options),
    ...resolveAccountFlows(options),
    now: options.now ?? Date.now,
    keepExternalEdits: options.keepExternalEdits ?? false,
    watchUsers: options.watchUsers ?? false,
  };
}

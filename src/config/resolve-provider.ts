import { ConfigError } from '../errors';
import type { ClientConfig, ProviderPathPreset, ServerOptions } from './server-options';

/** README "Use it as your OpenID provider": what the provider accepts besides its defaults. */
export interface ResolvedProvider {
  /** --redirect-uri: redirect URIs accepted exactly as written, besides loopback ones. */
  redirectUris: readonly string[];
  /** The clients list as given: app/provider.ts checks it (provider/client-registry.ts parseClients). */
  clients: readonly ClientConfig[];
  /** --provider-paths. */
  providerPaths: ProviderPathPreset;
}

/** An absolute http(s) URL without a fragment (RFC 6749 §3.1.2), kept as written: it is compared exactly. */
function redirectUri(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || text.includes('#'))
    throw new ConfigError(
      'ERR_OPTION',
      `redirect-uri: "${text}" is not an http(s) URL without a fragment; write it as the client sends it, like https://myapp.test/callback`,
    );
  return text;
}

export function resolveProvider(options: ServerOptions): ResolvedProvider {
  const providerPaths = options.providerPaths ?? 'standard';
  return { redirectUris: (options.redirectUris ?? []).map(redirectUri), clients: options.clients ?? [], providerPaths };
}

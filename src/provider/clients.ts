import { isClientId, type ClientRegistry } from './client-registry';

/**
 * The redirect rules: a client of the `clients` list that registered redirect URIs may use those only, exactly as
 * written; any other client_id is a public client whose redirect URI is a loopback URL, what a developer's dev server
 * uses, or one given with --redirect-uri. A request failing these checks is answered with an error page and never
 * redirected (RFC 6749 §4.1.2.1): the redirect URI is not known to be the client's.
 */

/** Exactly these names: `localhost.evil.com`, `127.0.0.1.nip.io` and `*.localhost` are not this machine's for sure. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// Printable ASCII without `\`: URL parsers drop tabs and newlines and read `\` as `/`, so a raw string carrying one
// would be compared (at the token endpoint) as one URL and followed (by the browser) as another.
const PLAIN_URL = /^[\x21-\x5b\x5d-\x7e]+$/;

/** This machine for sure: localhost, [::1], or any address of 127.0.0.0/8 (several clients on 127.0.0.x, as CORS allows). */
const isLoopbackHost = (hostname: string) => LOOPBACK_HOSTS.has(hostname) || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname);

export type ClientCheck = { ok: true; redirectUrl: URL } | { ok: false; problem: string };

/** Where a client may be sent back: `registered`, its exact list, when it has one; otherwise loopback or `allowed`. */
export interface RedirectRule {
  /** The --redirect-uri URLs, accepted as written, exactly (a LAN name, a tunnel), besides any loopback URL. */
  allowed?: readonly string[];
  /** The client's registered URIs (client-registry.ts): these and no others, loopback ones included. */
  registered?: readonly string[];
}

/** Why `redirectUri` may not receive this server's answers, or the URL it stands for. */
export function checkRedirectUri(redirectUri: unknown, { allowed = [], registered }: RedirectRule = {}): ClientCheck {
  if (redirectUri === undefined || redirectUri === '') return { ok: false, problem: 'The request has no redirect_uri.' };
  if (typeof redirectUri !== 'string') return { ok: false, problem: 'The redirect_uri must be given once.' };
  if (redirectUri.length > 2048) return { ok: false, problem: 'The redirect_uri is longer than 2048 characters.' };
  if (!PLAIN_URL.test(redirectUri)) return { ok: false, problem: 'The redirect_uri holds spaces, backslashes or characters outside printable ASCII.' };
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return { ok: false, problem: 'The redirect_uri is not an absolute URL.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'The redirect_uri must be an http: or https: URL.' };
  // RFC 6749 §3.1.2: no fragment; `#` alone leaves url.hash empty, hence the raw test.
  if (redirectUri.includes('#')) return { ok: false, problem: 'The redirect_uri must not have a fragment (#).' };
  // `http://@localhost/` has an empty user name: the raw authority tells.
  const authority = redirectUri.slice(redirectUri.indexOf('//') + 2).split(/[/?]/)[0];
  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return { ok: false, problem: 'The redirect_uri must not carry a user name or password (user@host).' };
  }
  if (registered !== undefined) {
    if (registered.includes(redirectUri)) return { ok: true, redirectUrl: url };
    return { ok: false, problem: 'The redirect_uri is not one of those registered for this client (the clients list of the config file), exactly as written.' };
  }
  if (!isLoopbackHost(url.hostname) && !allowed.includes(redirectUri)) {
    return {
      ok: false,
      problem:
        'The redirect_uri must be on this machine (http://localhost, http://127.x.x.x or http://[::1], any port and path), or given to the server with --redirect-uri.',
    };
  }
  return { ok: true, redirectUrl: url };
}

/** What the redirect checks know: --redirect-uri's URLs and the clients list. */
export interface ClientRules {
  redirectUris?: readonly string[];
  clients?: ClientRegistry;
}

/** The client and redirect URI checks, in the order a developer would fix them. */
export function checkClient(clientId: unknown, redirectUri: unknown, { redirectUris, clients }: ClientRules = {}): ClientCheck {
  if (clientId === undefined || clientId === '') return { ok: false, problem: 'The request has no client_id.' };
  if (!isClientId(clientId)) return { ok: false, problem: 'The client_id must be 1 to 200 printable ASCII characters, given once.' };
  const registered = clients?.find(clientId);
  // A backend's client_credentials client has no browser to send back to: an error page, never a redirect.
  if (registered && !registered.grants.includes('authorization_code'))
    return { ok: false, problem: `The client ${clientId} is registered for ${registered.grants.join(', ')} only, not the authorization code flow.` };
  return checkRedirectUri(redirectUri, { allowed: redirectUris, registered: registered?.redirectUris });
}

/** `redirectUrl` with the response parameters added to its query, the query it already has kept as it is. */
export function redirectWith(redirectUrl: URL, parameters: Record<string, string | undefined>): string {
  const added = new URLSearchParams(Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
  const { href } = redirectUrl;
  const separator = redirectUrl.search !== '' ? '&' : href.endsWith('?') ? '' : '?';
  return href + separator + added;
}

import { networkInterfaces } from 'node:os';
import { isListedHost, type AllowedHosts } from '../http/host-check';

/** What of a request names the server as the client sees it: an Express Request has both. */
export interface RequestOrigin {
  protocol: string;
  headers: { host?: string };
}

/** Which `iss` a token gets, and which `iss` a token may have. */
export interface IssuerPolicy {
  /** The `iss` of a token minted for this request (and discovery's `issuer` for it). */
  issuerFor(origin?: RequestOrigin, options?: { minting?: boolean }): string;
  accepts(iss: unknown): boolean;
  /** The one issuer, when it does not depend on the request (--issuer, or HS256's `fake-jwt-api`). */
  fixed?: string;
}

/** --issuer, or `fake-jwt-api` with the HS256 secret: exactly that string, in and out. */
export function fixedIssuer(issuer: string): IssuerPolicy {
  return { issuerFor: () => issuer, accepts: (iss) => iss === issuer, fixed: issuer };
}

function originOf(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** This server's origin as the request addressed it (the Host check vetted the name): `http://localhost:3000`. */
export function serverOrigin(origin: RequestOrigin | undefined, fallback: string): string {
  const host = origin?.headers.host;
  if (!host) return fallback;
  const scheme = origin.protocol === 'https' ? 'https' : 'http';
  return originOf(`${scheme}://${host}`)?.origin ?? fallback;
}

/** The loopback origins' names: tokens survive a restart on another port, and `fake-jwt-api token` writes these. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** This machine's own addresses, as URL hostnames (`192.168.1.5`, `[fe80::1]`): a phone on the LAN addresses us so. */
function ownAddresses(): Set<string> {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return new Set(addresses.map(({ address, family }) => (family === 'IPv6' ? `[${address}]` : address)));
}

/**
 * The origin a mailed link names (README "Password reset and email verification"): the host name the request used
 * only when it is one of this server's (a loopback name, an address of this machine, an --allowed-host name), and
 * always the port the server listens on. A Host header is the client's to write: a link built from it as sent
 * would send a victim's token to wherever an attacker said (`Host: 6.6.6.6:8080`, or another port of localhost).
 */
export function makeLinkOrigin(allowedHosts: AllowedHosts): (req: RequestOrigin & { socket: { localPort?: number } }) => string {
  const machine = ownAddresses();
  return (req) => {
    const host = originOf(`http://${req.headers.host ?? 'localhost'}`)?.hostname ?? 'localhost';
    const ours = LOOPBACK_NAMES.has(host) || machine.has(host) || (allowedHosts !== 'all' && isListedHost(host, allowedHosts));
    const scheme = req.protocol === 'https' ? 'https' : 'http';
    const port = req.socket.localPort;
    return `${scheme}://${ours ? host : 'localhost'}${port === undefined ? '' : `:${port}`}`;
  };
}

/** How many other origins minted tokens are remembered by (under --allowed-host all, any vetted Host). */
const MINTED_LIMIT = 256;

/**
 * With a key pair and no --issuer, the issuer is this server's origin as the client sees it (`http://localhost:3000`),
 * as identity providers do, so that discovery and tokens agree. Accepted, as an exact origin on any port (nothing
 * with a path, a query or credentials: that is another issuer's URL, never ours): `localhost`, `127.0.0.1`, `[::1]`;
 * an address of this machine; an --allowed-host name; or an origin this process minted a token for. Not any IP
 * literal nor any name the Host rule lets in (it guards against DNS rebinding, not issuers): a token of another
 * server that shares our key, or of a local identity provider, is not ours.
 */
export function originIssuer(allowedHosts: AllowedHosts, fallback: string, { trailingSlash = false } = {}): IssuerPolicy {
  const machine = ownAddresses();
  const minted = new Set<string>();
  const listed = (hostname: string) => allowedHosts !== 'all' && isListedHost(hostname, allowedHosts);
  function issuerFor(origin?: RequestOrigin, options: { minting?: boolean } = {}): string {
    const iss = serverOrigin(origin, fallback);
    if (options.minting && minted.size < MINTED_LIMIT) minted.add(iss);
    return trailingSlash ? `${iss}/` : iss;
  }
  function accepts(iss: unknown): boolean {
    if (typeof iss !== 'string') return false;
    // --provider-paths auth0 names the issuer `http://localhost:3000/`, as Auth0 does; the same origin without
    // the slash (`fake-jwt-api token`, a token from before) is the same issuer.
    const bare = trailingSlash && iss.endsWith('/') ? iss.slice(0, -1) : iss;
    const url = originOf(bare);
    // Only the exact serialisation of an origin: `http://localhost:3000`, not `http://localhost:3000/path` or `HTTP://...`.
    if (!url || url.origin !== bare) return false;
    return LOOPBACK_NAMES.has(url.hostname) || machine.has(url.hostname) || listed(url.hostname) || minted.has(bare);
  }
  return { issuerFor, accepts };
}

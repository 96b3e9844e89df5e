import { isIP } from 'node:net';
import type { Request } from 'express';
import { forbidden } from '../errors';

/** `--cors-origin '*'`: every origin is reflected (a literal `*` could not carry credentials). */
export const ANY_ORIGIN = '*';

/**
 * Names only this machine answers: `localhost` and its subdomains (RFC 6761 §6.3; browsers resolve them to
 * loopback themselves), 127.0.0.0/8 and ::1. Takes a bare hostname, as URL.hostname gives it.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '[::1]' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** `http://LOCALHOST:80` → `http://localhost`; undefined for anything but an http(s) origin. */
function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** `Host: LOCALHOST:80` → `localhost`: host and port as an origin's URL has them; undefined when malformed. */
function hostOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  try {
    return new URL(`http://${header}`).host;
  } catch {
    return undefined;
  }
}

/**
 * Whether a page on `origin` may use the auth endpoints: get a token, or send the refresh cookie. Pages served by
 * this machine (loopback names, any port), this server's own pages, and the --cors-origin list; any page with
 * `--cors-origin '*'`. Everything else is a site on the internet, which must not log in to a developer's server.
 */
export function isAllowedOrigin(req: Request, origin: string, corsOrigins: readonly string[]): boolean {
  if (corsOrigins.includes(ANY_ORIGIN)) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false; // `null` (file://, sandboxed frames), or no web origin at all
  const { hostname, host } = new URL(normalized);
  if (isLoopbackHostname(hostname)) return true;
  // The server's own pages, under the name the request was addressed to (which the Host check vetted). By host, not
  // scheme: behind a TLS-terminating proxy (a Codespace, a tunnel) an https page reaches this http server.
  if (host === hostOf(req.get('host'))) return true;
  return corsOrigins.some((allowed) => normalizeOrigin(allowed) === normalized);
}

/**
 * Whether `origin` is this server's own page, as the request addressed it: its host and port are the Host header's.
 * By host, not scheme, as above: behind a TLS-terminating proxy or tunnel the page is https, the server http.
 */
export function isOwnPageOrigin(req: Request, origin: string | undefined): boolean {
  const normalized = origin === undefined ? undefined : normalizeOrigin(origin);
  const host = hostOf(req.get('host'));
  return normalized !== undefined && host !== undefined && new URL(normalized).host === host;
}

/** A JSON 403 for a request whose Origin may not use the auth endpoints; it says which flag allows it. */
export function refuseForeignOrigin(req: Request, corsOrigins: readonly string[]): void {
  const origin = req.headers.origin;
  if (origin === undefined || isAllowedOrigin(req, origin, corsOrigins)) return;
  if (normalizeOrigin(origin) === undefined) {
    throw forbidden(
      `A page without a web origin (Origin: ${origin}, as a file:// page or a sandboxed frame sends) may not log in here; serve the page from http://localhost, or start the server with --cors-origin '*' to allow any page.`,
    );
  }
  throw forbidden(
    `The origin ${origin} may not use this server's auth endpoints (a page there could obtain a token); start the server with --cors-origin ${origin} to allow it.`,
  );
}

/**
 * The same judgement of the page the Referer names, for a request that came without an Origin. Browsers send Origin
 * on every cross-site POST, so this is defence in depth (an old browser, an extension that strips Origin). A request
 * with neither header (curl, a test, a server; an empty Referer too, which no browser sends) is no page's, and passes.
 */
export function refuseForeignReferer(req: Request, corsOrigins: readonly string[]): void {
  const referer = req.headers.referer;
  if (req.headers.origin !== undefined || !referer || isAllowedOrigin(req, referer, corsOrigins)) return;
  const origin = normalizeOrigin(referer);
  if (origin === undefined)
    throw forbidden(
      `A request whose Referer (${referer}) names no web page may not log in here; send the page's Origin, or start the server with --cors-origin '*' to allow any page.`,
    );
  throw forbidden(
    `The origin ${origin} (from the Referer; the request had no Origin) may not use this server's auth endpoints (a page there could obtain a token); start the server with --cors-origin ${origin} to allow it.`,
  );
}

import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Response } from 'express';
import { renderErrorPage } from './server-pages';

/**
 * The headers of every page the provider shows a person (login, error, end session), so that they look and defend
 * alike.
 */

/**
 * The page may only post forms to this server, and follow the redirect that answers one to the client: Chromium
 * checks form-action against redirects too. CSP has no syntax for an IPv6 literal, so [::1] gets its scheme.
 */
export function formTargets(redirectUrl: URL | undefined): string {
  if (!redirectUrl) return "'self'";
  return `'self' ${isIP(redirectUrl.hostname.replace(/^\[|\]$/g, '')) === 6 ? redirectUrl.protocol : redirectUrl.origin}`;
}

/**
 * Not cached (it may carry codes or a CSRF token), not framed (clickjacking), no Referer to another site. Returns the
 * nonce of the page's <style>. `same-origin`, not `no-referrer`: under `no-referrer` a browser sends a form's POST
 * with `Origin: null`, which the auth origin gate refuses (Fetch, "append a request Origin header").
 */
export interface PageOptions {
  /** The one origin that may frame the page (provider/web-message.ts); none by default. */
  framedBy?: string;
  /** The page runs a script of its own, under the same nonce as its style. */
  script?: boolean;
}

export function securePageHeaders(res: Response, redirectUrl?: URL, { framedBy, script = false }: PageOptions = {}): string {
  const nonce = randomBytes(16).toString('base64');
  // A navigation, never a fetch: no other site may read the page and its CSRF token, whatever CORS allows the API.
  for (const header of ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers']) res.removeHeader(header);
  const scripts = script ? ` script-src 'nonce-${nonce}';` : '';
  res.set({
    'Content-Security-Policy': `default-src 'none';${scripts} style-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; form-action ${formTargets(redirectUrl)}; frame-ancestors ${framedBy ?? "'none'"}`,
  });
  // X-Frame-Options cannot name one origin: a page framed by one has the CSP's frame-ancestors alone.
  if (framedBy === undefined) res.set('X-Frame-Options', 'DENY');
  res.set({
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  return nonce;
}

/** A 400 page for a request the server will not act on, never a redirect (RFC 6749 §4.1.2.1). */
export function sendErrorPage(res: Response, title: string, message: string, part?: string): void {
  const nonce = securePageHeaders(res);
  res
    .status(400)
    .type('html')
    .send(renderErrorPage(title, message, nonce, part));
}

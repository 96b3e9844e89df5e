import type { Response } from 'express';
import { isIP } from 'node:net';
import { securePageHeaders } from '../http/page-headers';

/**
 * response_mode=web_message (OAuth 2.0 Web Message Response Mode, draft-sakimura-oauth-wmrm), as Auth0 answers it
 * and @auth0/auth0-spa-js waits for it: instead of a redirect, a page that posts the answer to the window that
 * opened it (a popup's opener) or holds it (a hidden iframe's parent) — only to the redirect URI's origin, which
 * the client rules vetted, so no other page can read the code.
 */

// JSON inside a <script>: nothing in it may close the element or end a line for a JavaScript parser.
const scriptSafe = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/**
 * The one origin that may frame the page. CSP has no syntax for an IPv6 literal (formTargets would widen it to every
 * page of the scheme), so an app on [::1] gets no framing: its popup sign-in still works, a hidden iframe does not.
 */
function frameAncestor(redirectUrl: URL): string | undefined {
  return isIP(redirectUrl.hostname.replace(/^\[|\]$/g, '')) === 6 ? undefined : redirectUrl.origin;
}

export function sendWebMessage(res: Response, redirectUrl: URL, parameters: Record<string, string | undefined>): void {
  const response = Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined));
  // A silent sign-in runs in an iframe of the app: this page, and only it (the login page never), may be framed by
  // the app's origin. It has nothing to click, so there is nothing to trick anyone into.
  const nonce = securePageHeaders(res, redirectUrl, { framedBy: frameAncestor(redirectUrl), script: true });
  const message = scriptSafe({ type: 'authorization_response', response });
  res
    .status(200)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head><body>` +
        `<script nonce="${nonce}">(window.opener || window.parent).postMessage(${message}, ${scriptSafe(redirectUrl.origin)});</script>` +
        `</body></html>`,
    );
}

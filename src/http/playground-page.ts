import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { isFromThisMachine } from './local-request';
import type { DemoAccount } from '../accounts/account-store';

/** What the playground page shows: the API's description, and what it needs to build requests. */
export interface PlaygroundData {
  /** The resources as describe() gives them (access/describe.ts): playground/app.js reads them, this file does not. */
  resources: readonly unknown[];
  /**
   * Accounts whose plain-text password users.json held at start, by email or username (or both) and role: the page
   * offers them to log in with. Never their passwords: no response holds one (they are in the banner, on the console).
   */
  demoAccounts: Array<Omit<DemoAccount, 'password'>>;
  /** --login-field (README "Login by username"): the name the login form asks for first, and a registration must give. */
  loginField: 'email' | 'username';
  /** --require-verified-email: a registration must give an email whatever --login-field says. */
  requireVerifiedEmail: boolean;
  cookieMode: boolean;
  passwordMinLength: number;
  /** Where the API reference is (README "OpenAPI and typed clients"): /docs, or /__docs beside a `docs` resource. */
  docsPath?: string;
  /**
   * The id property (--id) and the owner field's suffix (--fks, the owner field is `user` + it): the page leaves
   * both out of the sample body it makes from a record. json-server's defaults when not given.
   */
  idField?: string;
  foreignKeySuffix?: string;
}

const PAGE_DEFAULTS = { idField: 'id', foreignKeySuffix: 'Id', docsPath: '/docs' };

// playground/ sits at the package's top, two folders up from both src/http and dist/http.
const ASSETS = path.join(__dirname, '..', '..', 'playground');
let template: string | undefined;

/**
 * The page's script, one file a concern (playground/scripts/, each naming what it takes from the others in a
 * `global` comment), joined in this order into one function: the page runs as one script, by nonce, and leaves
 * nothing on `window`.
 */
export const SCRIPT_FILES = [
  'page.js',
  'login-names.js',
  'requests.js',
  'session.js',
  'token-check.js',
  'oidc-login.js',
  'lists.js',
  'request-box.js',
  'sample-body.js',
  'inbox.js',
  'main.js',
];

function pageScript(read: (name: string) => string): string {
  const parts = SCRIPT_FILES.map((name) => read(path.join('scripts', name)));
  return `'use strict';\n(() => {\n${parts.join('\n')}\n})();\n`;
}

/** page.html with its style and script put in, read once: the files are part of the package, not user data. */
function pageTemplate(): string {
  if (template === undefined) {
    const read = (name: string) => readFileSync(path.join(ASSETS, name), 'utf8');
    const parts: Record<string, string> = { STYLE: read('style.css'), SCRIPT: pageScript(read) };
    template = read('page.html').replace(/__(STYLE|SCRIPT)__/g, (_, name: string) => parts[name]);
  }
  return template;
}

/** JSON that cannot end the <script> element holding it, whatever strings the data carries. */
const scriptSafeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The playground: one self-contained page. The values go in in one pass, so none is scanned for placeholders. */
export function renderPlayground(data: PlaygroundData, nonce: string): string {
  const values: Record<string, string> = { NONCE: nonce, DATA: scriptSafeJson({ ...PAGE_DEFAULTS, ...data }), PASSWORD_MIN: String(data.passwordMinLength) };
  return pageTemplate().replace(/__(NONCE|DATA|PASSWORD_MIN)__/g, (_, name: string) => values[name]);
}

/**
 * GET /: the playground, unless the static folder has an index.html (served before this). Its script and style
 * run only by nonce, and it may talk to this origin alone: data shown on the page can never run as code.
 */
export function makePlaygroundPage(data: () => PlaygroundData): RequestHandler {
  return function playgroundPage(req, res) {
    // No other site may read this page, whatever CORS allows for the API: it names the demo accounts.
    for (const header of ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers']) res.removeHeader(header);
    const nonce = randomBytes(16).toString('base64');
    res.set({
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    const shown = data();
    // The demo accounts' emails (an admin's, say) are for the person at this machine's keyboard, not for other
    // machines: --host 0.0.0.0, a proxy or a tunnel (local-request.ts).
    if (!isFromThisMachine(req)) shown.demoAccounts = [];
    res.type('html').send(renderPlayground(shown, nonce));
  };
}

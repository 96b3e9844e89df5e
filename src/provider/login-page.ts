import type { DemoAccount } from '../accounts/account-store';
import type { AuthorizationRequest } from './authorization-request';
import { CSRF_FIELD } from './csrf';
import { AUTHORIZE_PATH } from './paths';

/** What the login page shows. */
export interface LoginView {
  request: AuthorizationRequest;
  /** The name the clients list gives the client; its id otherwise. */
  clientName?: string;
  csrfToken: string;
  /** The email field's value: the one typed before a failed attempt, or login_hint. */
  email?: string;
  /** Set after a failed attempt; never says whether the email exists. */
  error?: string;
  demoAccounts: readonly DemoAccount[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in a quoted attribute. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);

// The playground's look (playground/style.css): its colours, fonts, header and cards.
const STYLE = `
:root { --ink: #1d2330; --muted: #667085; --line: #d9dee7; --paper: #f6f7f9; --accent: #3056d3; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--paper); }
header { padding: .8rem 1.5rem; background: var(--ink); color: #fff; }
header h1 { margin: 0; font-size: 1.25rem; }
header .muted { color: #b8c0cc; font-weight: normal; }
main { max-width: 26rem; margin: 2rem auto; padding: 0 1rem; display: flex; flex-direction: column; gap: 1rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem 1rem; }
h2 { margin: 0 0 .6rem; font-size: 1.05rem; }
p { margin: 0 0 .6rem; }
.muted { color: var(--muted); }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
label { display: block; font-size: .85rem; color: var(--muted); }
input { display: block; width: 100%; margin-top: .2rem; padding: .4rem .5rem; font: inherit; color: var(--ink); border: 1px solid var(--line); border-radius: 5px; }
form.stacked { display: flex; flex-direction: column; gap: .5rem; }
button { padding: .4rem .9rem; font: inherit; color: #fff; background: var(--accent); border: 0; border-radius: 5px; cursor: pointer; }
.demo { display: flex; flex-direction: column; gap: .4rem; }
.demo button { width: 100%; text-align: left; color: var(--accent); background: #eef2fd; }
.error { color: var(--bad); font-weight: 600; }
`;

/** `body` in the provider's frame: the playground's look, the style under the page's CSP nonce. */
export function page(title: string, nonce: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · fake-jwt-api</title>
<link rel="icon" href="data:,">
<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
<header><h1>fake-jwt-api <span class="muted">OpenID provider</span></h1></header>
<main>
${body}
</main>
</body>
</html>
`;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

/** The authorization request's parameters and the CSRF token: what every form on the page posts back. */
function requestFields({ request, csrfToken }: LoginView): string {
  return [...Object.entries(request.parameters).map(([name, value]) => hidden(name, value)), hidden(CSRF_FIELD, csrfToken)].join('\n');
}

/** One small form per demo account, so that choosing one signs in without JavaScript. */
function demoSection(view: LoginView): string {
  if (view.demoAccounts.length === 0) return '';
  const forms = view.demoAccounts.map(
    ({ email, role, password }) => `<form method="post" action="${AUTHORIZE_PATH}">
${requestFields(view)}
${hidden('email', email)}
${hidden('password', password)}
<button type="submit">${escapeHtml(email)} <span class="muted">(${escapeHtml(role)})</span></button>
</form>`,
  );
  return `<section aria-labelledby="demo-title">
<h2 id="demo-title">Demo accounts</h2>
<p class="muted">Their passwords are in users.json in plain text: choose one to sign in as it.</p>
<div class="demo">
${forms.join('\n')}
</div>
</section>`;
}

export function renderLoginPage(view: LoginView, nonce: string): string {
  const { request, error, email, clientName } = view;
  const client = clientName === undefined ? `<code>${escapeHtml(request.clientId)}</code>` : `<strong>${escapeHtml(clientName)}</strong>`;
  const errorLine = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`;
  const body = `<section aria-labelledby="login-title">
<h2 id="login-title">Sign in</h2>
<p>to ${client}, which gets the answer at <code>${escapeHtml(request.redirectUrl.origin)}</code></p>
${errorLine}<form method="post" action="${AUTHORIZE_PATH}" class="stacked">
${requestFields(view)}
<label>Email <input name="email" type="email" autocomplete="username" required${email === undefined ? ' autofocus' : ` value="${escapeHtml(email)}"`}></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required${email === undefined ? '' : ' autofocus'}></label>
<button type="submit">Sign in</button>
</form>
</section>
${demoSection(view)}`;
  return page('Sign in', nonce, body);
}

/** The page for a request that cannot go back to its client (RFC 6749 §4.1.2.1), or a form that cannot be trusted. */
export function renderErrorPage(title: string, message: string, nonce: string): string {
  return page(title, nonce, `<section role="alert">\n<h2>${escapeHtml(title)}</h2>\n<p>${escapeHtml(message)}</p>\n</section>`);
}

import type { DemoAccount } from '../accounts/account-store';
import { escapeHtml, page } from '../http/server-pages';
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

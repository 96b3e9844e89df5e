import type { DemoAccount } from '../accounts/account-store';
import { accountLabel } from '../accounts/accounts-file';
import type { LoginField } from '../auth/login-identifier';
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
  /** --login-field: the name the form asks for (README "Login by username"). */
  loginField: LoginField;
  /** The name field's value: the one typed before a failed attempt, or login_hint. */
  typed?: string;
  /** Set after a failed attempt; never says whether the name exists. */
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
    ({ email, username, role, password }) => `<form method="post" action="${AUTHORIZE_PATH}">
${requestFields(view)}
${email === undefined ? hidden('username', username ?? '') : hidden('email', email)}
${hidden('password', password)}
<button type="submit">${escapeHtml(accountLabel({ email, username }))} <span class="muted">(${escapeHtml(role)})</span></button>
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
  const { request, error, typed, clientName } = view;
  const field =
    view.loginField === 'username'
      ? '<label>Username <input name="username" type="text" autocapitalize="none" spellcheck="false"'
      : '<label>Email <input name="email" type="email"';
  const client = clientName === undefined ? `<code>${escapeHtml(request.clientId)}</code>` : `<strong>${escapeHtml(clientName)}</strong>`;
  const errorLine = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`;
  const body = `<section aria-labelledby="login-title">
<h2 id="login-title">Sign in</h2>
<p>to ${client}, which gets the answer at <code>${escapeHtml(request.redirectUrl.origin)}</code></p>
${errorLine}<form method="post" action="${AUTHORIZE_PATH}" class="stacked">
${requestFields(view)}
${field} autocomplete="username" required${typed === undefined ? ' autofocus' : ` value="${escapeHtml(typed)}"`}></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required${typed === undefined ? '' : ' autofocus'}></label>
<button type="submit">Sign in</button>
</form>
</section>
${demoSection(view)}`;
  return page('Sign in', nonce, body);
}

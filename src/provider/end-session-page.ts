import { CSRF_FIELD } from './csrf';
import type { EndSessionRequest } from './end-session-request';
import { escapeHtml, page } from '../http/server-pages';
import { END_SESSION_PATH } from './paths';

/** The field the confirmation form adds: a POST with it is a person's answer, one without it an app's request. */
export const CONFIRM_FIELD = 'confirm';

const hidden = (name: string, value: string | undefined) =>
  value === undefined ? '' : `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">\n`;

export interface ConfirmationView {
  /** This server, as the person addressed it (the issuer). */
  server: string;
  request: EndSessionRequest;
  csrfToken: string;
}

/**
 * RP-Initiated Logout 1.0 §2: without a valid id_token_hint nothing says the app asking is the one the person uses,
 * so the person is asked. The client_id is shown as what the request names, not as a client that proved itself.
 */
export function renderConfirmationPage({ server, request, csrfToken }: ConfirmationView, nonce: string): string {
  const named = request.clientId === undefined ? '' : `<p class="muted">The request names the app <code>${escapeHtml(request.clientId)}</code>.</p>\n`;
  const body = `<section aria-labelledby="end-title">
<h2 id="end-title">Sign out of <code>${escapeHtml(server)}</code>?</h2>
${named}<p>The next app that sends you here asks for your password again. Close this page to stay signed in.</p>
<form method="post" action="${END_SESSION_PATH}" class="stacked">
${hidden('post_logout_redirect_uri', request.postLogoutRedirectUri)}${hidden('state', request.state)}${hidden('client_id', request.clientId)}${hidden(CSRF_FIELD, csrfToken)}${hidden(CONFIRM_FIELD, 'yes')}<button type="submit">Sign out</button>
</form>
</section>`;
  return page('Sign out', nonce, body);
}

/** When no post_logout_redirect_uri says where to go next. */
export function renderSignedOutPage(nonce: string): string {
  const body = `<section aria-labelledby="out-title">
<h2 id="out-title">You are signed out</h2>
<p>You can close this page.</p>
</section>`;
  return page('Signed out', nonce, body);
}

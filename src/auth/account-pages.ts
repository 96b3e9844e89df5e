import type { Response } from 'express';
import { securePageHeaders } from '../http/page-headers';
import { escapeHtml, page } from '../http/server-pages';
import { RESET_PASSWORD_PATH } from './account-paths';

const PART = 'Account';

/** A page of the account flows, with the provider pages' headers (no cache, no framing, CSP with a nonce). */
export function sendAccountPage(res: Response, status: number, render: (nonce: string) => string): void {
  const nonce = securePageHeaders(res);
  res.status(status).type('html').send(render(nonce));
}

/** The page a verification link opens: it says whether the email is now verified. */
export function renderVerifiedPage({ email, error }: { email?: string; error?: string }, nonce: string): string {
  const body = error
    ? `<section role="alert">\n<h2>This link does not verify anything</h2>\n<p class="error">${escapeHtml(error)}</p>\n</section>`
    : `<section role="status">\n<h2>Email verified</h2>\n<p><code>${escapeHtml(email ?? '')}</code> is verified. <a href="/">Back to the playground</a>.</p>\n</section>`;
  return page(error ? 'Verification failed' : 'Email verified', nonce, body, PART);
}

export interface ResetView {
  token: string;
  minLength: number;
  /** Why the last try failed (a dead link, a short password). */
  error?: string;
  /** The password was changed. */
  done?: boolean;
}

/** The reset page the mail's link opens (no --reset-url): a form for the new password, which works without JavaScript. */
export function renderResetPage({ token, minLength, error, done }: ResetView, nonce: string): string {
  if (done)
    return page(
      'Password changed',
      nonce,
      `<section role="status">\n<h2>Password changed</h2>\n<p>Every session of the account has ended. <a href="/">Log in</a> with the new password.</p>\n</section>`,
      PART,
    );
  const errorLine = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`;
  const body = `<section aria-labelledby="reset-title">
<h2 id="reset-title">Choose a new password</h2>
${errorLine}<form method="post" action="${RESET_PASSWORD_PATH}" class="stacked">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label>New password <input name="password" type="password" autocomplete="new-password" minlength="${minLength}" required autofocus></label>
<button type="submit">Set the password</button>
</form>
</section>`;
  return page('Reset your password', nonce, body, PART);
}

import { isEmailVerified, type Account } from '../accounts/accounts-file';
import { RESEND_VERIFICATION_PATH } from './account-paths';

/** What a login of an unverified account is told under --require-verified-email, and how to get another link. */
export function unverifiedMessage({ email }: Pick<Account, 'email'>): string {
  if (email === undefined) return 'This account has no email, and this server logs in only accounts with a verified one (--require-verified-email).';
  return `The email ${email} is not verified yet: follow the link in the mail sent to it (POST ${RESEND_VERIFICATION_PATH} { "email": "${email}" } sends another).`;
}

/**
 * The one check of every path that mints an account's tokens (README "Email verification"): /auth/login, the
 * provider's sign-in form, a code from a provider sign-in, a code's exchange, both refreshes. Under
 * --require-verified-email, the sentence refusing an account whose email is not verified; undefined when it may have
 * tokens. (client_credentials names no account; `fake-jwt-api token` is the operator's own.)
 */
export function refusedAsUnverified(account: Account, requireVerifiedEmail: boolean | undefined): string | undefined {
  return requireVerifiedEmail && !isEmailVerified(account) ? unverifiedMessage(account) : undefined;
}

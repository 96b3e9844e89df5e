import express, { type Request, type Router } from 'express';
import { accountIdentity, accountKey, emailKey, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import { passwordStamp, type AccountTokens } from '../accounts/account-tokens';
import { requireBody, requireNewPassword, requireString } from '../accounts/fields';
import { hashPassword } from '../accounts/passwords';
import { ApiError, badRequest } from '../errors';
import { asyncRoute } from '../http/async-route';
import type { SessionStore } from '../sessions/session-store';
import { attemptAt, countRequest } from '../throttle/attempts';
import type { LoginThrottle } from '../throttle/login-throttle';
import { MAIL_INTERVAL_MS, resetMail, type Mailer } from './account-mails';
import { renderResetPage, sendAccountPage } from './account-pages';
import { FORGOT_PASSWORD_PATH, RESET_PASSWORD_PATH } from './account-paths';
import { changeAccount } from './session-account';

/** A reset link lives 30 minutes: long enough to find the mail, short enough that an old inbox is no key. */
export const RESET_TOKEN_TTL_MS = 30 * 60_000;

export interface PasswordResetOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  tokens: AccountTokens;
  mailer: Mailer;
  throttle: LoginThrottle;
  passwordMinLength: number;
  /** The origin of this server in a mailed link: auth/issuer-policy.ts makeLinkOrigin (never a Host header as sent). */
  linkOrigin: (req: Request) => string;
  /** --reset-url, with `{token}` where the token goes; default this server's own reset page. */
  resetUrl?: string;
  now: () => number;
}

const ACCEPTED = { message: 'If an account has this email, a message with a reset link is on its way. It works once, for 30 minutes.' };
const DEAD_LINK = 'The reset link is not valid: it was used already, it expired, or it was never issued. Ask for a new one.';

/** The stamp of the account's password as users.json holds it: a demo account's plain text (hashed anew at each start), else its hash. */
function stampOf(accounts: AccountStore, account: Account): string {
  const demo = accounts.demoAccounts().find((each) => accountKey(each) === accountKey(account));
  return passwordStamp(String(account.id), demo?.password ?? account.password);
}

/**
 * The mail of a forgot-password request, made after the answer went: a known email and an unknown one are answered
 * alike, in the same time, whatever writing the token and the mail takes. The outbox's settled() waits for it.
 */
function mailResetLinkLater(options: PasswordResetOptions, req: Request, email: string): void {
  // Now, while the request's socket is open: the work runs after the answer went.
  const origin = options.linkOrigin(req);
  // --reset-url with the token put in, or this server's own page.
  const linkTo = (token: string) =>
    options.resetUrl ? options.resetUrl.replaceAll('{token}', encodeURIComponent(token)) : `${origin}${RESET_PASSWORD_PATH}?token=${token}`;
  options.mailer.sendLater(async () => {
    await options.accounts.reloadIfChangedOnDisk();
    const account = await options.accounts.findByEmail(email);
    if (account?.email === undefined) return undefined;
    const userId = String(account.id);
    // One reset mail an address a minute, whichever account asks, and two addresses an account a minute, verification
    // mails counted (account-tokens.ts mailedRecently); reset() clears this too.
    if (options.tokens.mailedRecently('reset-password', userId, account.email, options.now() - MAIL_INTERVAL_MS)) return undefined;
    // Bound to the password of now: a change of it by any path, even one a moment after this, kills the link.
    const holder = { userId, accountIdentity: accountIdentity(account), passwordStamp: stampOf(options.accounts, account) };
    const token = await options.tokens.issue('reset-password', holder, RESET_TOKEN_TTL_MS, account.email);
    return resetMail({ to: account.email, server: origin, link: linkTo(token) });
  }, 'a password-reset mail');
}

/** Spends the token and sets the password: every session of the account ends, the old password with them. */
async function resetPassword(options: PasswordResetOptions, token: unknown, password: string): Promise<void> {
  const { accounts, sessions } = options;
  const holder = await options.tokens.redeem('reset-password', token);
  await accounts.reloadIfChangedOnDisk();
  const account = holder && accounts.loadedById(holder.userId);
  // The account the link was mailed for, with that email and the password of then: a link does not outlive its
  // account changing hands, nor a password set since (by another link, POST /auth/password, or users.json by hand).
  if (!holder || !account || accountIdentity(account) !== holder.accountIdentity || stampOf(accounts, account) !== holder.passwordStamp)
    throw new ApiError(400, 'invalid_grant', DEAD_LINK);
  const hash = await hashPassword(password);
  // Checked again inside the update, under the account's lock: an email or password change that came while the new
  // hash was made kills the link (the one whose password was checked above is still there, the same hash).
  const changed = await changeAccount(accounts, sessions, holder.userId, (now) => {
    if (now.password !== account.password || accountIdentity(now) !== holder.accountIdentity) throw new ApiError(400, 'invalid_grant', DEAD_LINK);
    return { ...now, password: hash };
  });
  if (!changed) throw new ApiError(400, 'invalid_grant', DEAD_LINK);
  await sessions.end({ userId: holder.userId }, 'password reset');
  await options.tokens.forget(holder.userId, 'reset-password'); // the account's other links are dead already (another password): gone too
}

/** POST /auth/forgot-password, POST and GET /auth/reset-password (README "Password reset and email verification"). */
export function makePasswordResetRoutes(options: PasswordResetOptions): Router {
  const router = express.Router();

  router.post(
    FORGOT_PASSWORD_PATH,
    asyncRoute(async (req, res) => {
      const email = requireString(requireBody(req.body), 'email');
      // Each request counts, the same for every email (README "Rate limits"): one more try at someone's inbox.
      countRequest(options.throttle, res, attemptAt('reset', emailKey(email), req));
      res.status(202).json(ACCEPTED);
      mailResetLinkLater(options, req, email);
    }),
  );

  // The page the mail's link opens when no --reset-url names the app's own: a form that posts back here.
  router.get(RESET_PASSWORD_PATH, (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    sendAccountPage(res, 200, (nonce) => renderResetPage({ token, minLength: options.passwordMinLength }, nonce));
  });

  router.post(
    RESET_PASSWORD_PATH,
    asyncRoute(async (req, res) => {
      const body = requireBody(req.body);
      const fromPage = Boolean(req.is('urlencoded')); // the reset page's form; an app sends JSON
      try {
        if (body.token === undefined) throw badRequest('"token" is required: the one in the reset link.');
        await resetPassword(options, body.token, requireNewPassword(body, options.passwordMinLength));
      } catch (error) {
        if (!fromPage || !(error instanceof ApiError)) throw error;
        const token = typeof body.token === 'string' ? body.token : '';
        return sendAccountPage(res, error.status, (nonce) => renderResetPage({ token, minLength: options.passwordMinLength, error: error.message }, nonce));
      }
      if (!fromPage) return void res.status(204).end();
      sendAccountPage(res, 200, (nonce) => renderResetPage({ token: '', minLength: options.passwordMinLength, done: true }, nonce));
    }),
  );
  return router;
}

import express, { type Request, type Router } from 'express';
import { accountIdentity, accountLabel, emailKey, isEmailVerified, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import type { AccountTokens } from '../accounts/account-tokens';
import { requireBody, requireString } from '../accounts/fields';
import { ApiError } from '../errors';
import { asyncRoute } from '../http/async-route';
import type { SessionStore } from '../sessions/session-store';
import { attemptAt, countRequest } from '../throttle/attempts';
import type { LoginThrottle } from '../throttle/login-throttle';
import { RESEND_VERIFICATION_PATH, VERIFY_EMAIL_PATH } from './account-paths';
import { MAIL_INTERVAL_MS, verifyMail, type Mailer } from './account-mails';
import { renderVerifiedPage, sendAccountPage } from './account-pages';
import { changeAccount } from './session-account';

/** A verification link lives a day: the mail may wait in an inbox overnight. */
export const VERIFY_TOKEN_TTL_MS = 24 * 60 * 60_000;

export interface VerifyEmailOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  tokens: AccountTokens;
  mailer: Mailer;
  throttle: LoginThrottle;
  now: () => number;
  /** The origin of this server in a mailed link (auth/issuer-policy.ts makeLinkOrigin). */
  linkOrigin: (req: Request) => string;
}

const ACCEPTED = { message: 'If an account has this email and it is not verified yet, a message with a verification link is on its way.' };
const DEAD_LINK = 'The verification link is not valid: it was used already, it expired, the email changed since, or it was never issued.';

/**
 * An email changed through the API (PATCH /auth/me, an admin's PATCH /auth/users/:id): the account's reset and
 * verification links die before any new mail is made. Bound to (id, email), a link of the old address would
 * otherwise come back to life when the email is changed back to it.
 */
export async function forgetLinksOnEmailChange(tokens: Pick<AccountTokens, 'forget'>, userId: string): Promise<void> {
  await tokens.forget(userId, 'reset-password', 'verify-email');
}

/** Sends the account a verification mail, after the answer: registration, an email change, a resend. */
export function sendVerificationLater(
  options: Pick<VerifyEmailOptions, 'accounts' | 'tokens' | 'mailer' | 'now' | 'linkOrigin'>,
  req: Request,
  find: () => Promise<Account | undefined>,
): void {
  const origin = options.linkOrigin(req);
  options.mailer.sendLater(async () => {
    await options.accounts.reloadIfChangedOnDisk();
    const account = await find();
    if (account?.email === undefined || isEmailVerified(account)) return undefined;
    const userId = String(account.id);
    // One verification mail an address a minute, whichever account asks, and two addresses an account a minute, reset
    // mails counted (account-tokens.ts mailedRecently): an email fixed right after registering is mailed at once,
    // while cycling emails through PATCH /auth/me, or registering the address again and again, mails no inbox at will.
    if (options.tokens.mailedRecently('verify-email', userId, account.email, options.now() - MAIL_INTERVAL_MS)) return undefined;
    const holder = { userId, accountIdentity: accountIdentity(account) };
    const token = await options.tokens.issue('verify-email', holder, VERIFY_TOKEN_TTL_MS, account.email);
    return verifyMail({ to: account.email, server: origin, link: `${origin}${VERIFY_EMAIL_PATH}?token=${token}` });
  }, 'a verification mail');
}

/** Spends the token and marks the account verified; its email, for the answer. */
async function verify({ accounts, sessions, tokens }: VerifyEmailOptions, token: unknown): Promise<string> {
  const holder = await tokens.redeem('verify-email', token);
  await accounts.reloadIfChangedOnDisk();
  // Only the email the link was mailed to: one changed since is not verified by an old link.
  if (!holder || accounts.identityOf(holder.userId) !== holder.accountIdentity) throw new ApiError(400, 'invalid_grant', DEAD_LINK);
  // Checked again inside the account's update, under its lock: an email change waiting for that lock must not be
  // the email this link verifies (the check above alone leaves that moment open).
  const changed = await changeAccount(accounts, sessions, holder.userId, (account) => {
    if (accountIdentity(account) !== holder.accountIdentity) throw new ApiError(400, 'invalid_grant', DEAD_LINK);
    return { ...account, emailVerified: true };
  });
  if (!changed) throw new ApiError(400, 'invalid_grant', DEAD_LINK);
  return accountLabel(changed);
}

/** POST and GET /auth/verify-email, POST /auth/verify-email/resend (README "Email verification"). */
export function makeVerifyEmailRoutes(options: VerifyEmailOptions): Router {
  const router = express.Router();

  router.post(
    VERIFY_EMAIL_PATH,
    asyncRoute(async (req, res) => {
      const email = await verify(options, requireBody(req.body).token);
      res.json({ verified: true, email });
    }),
  );

  // The mail's link: a GET that verifies and says so (there is no mail scanner in front of a local outbox).
  router.get(
    VERIFY_EMAIL_PATH,
    asyncRoute(async (req, res) => {
      try {
        const email = await verify(options, req.query.token);
        sendAccountPage(res, 200, (nonce) => renderVerifiedPage({ email }, nonce));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        sendAccountPage(res, error.status, (nonce) => renderVerifiedPage({ error: error.message }, nonce));
      }
    }),
  );

  // With a token: the caller's own account. Without: { email }, answered alike for any email (no enumeration).
  router.post(
    RESEND_VERIFICATION_PATH,
    asyncRoute(async (req, res) => {
      const own = req.auth && !req.auth.trusted && !req.auth.service ? req.auth.sub : undefined;
      const email = own === undefined ? requireString(requireBody(req.body), 'email') : undefined;
      countRequest(options.throttle, res, attemptAt('verify', own ?? emailKey(email!), req));
      res.status(202).json(ACCEPTED);
      sendVerificationLater(options, req, () => (own !== undefined ? options.accounts.findById(own) : options.accounts.findByEmail(email!)));
    }),
  );
  return router;
}

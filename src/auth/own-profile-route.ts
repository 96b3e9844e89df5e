import express, { type Request, type Response, type Router } from 'express';
import { isSameEmail, isSameUsername, toPublicUser, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import { requireBody, requirePassword } from '../accounts/fields';
import { badRequest } from '../errors';
import { asyncRoute } from '../http/async-route';
import type { SessionStore } from '../sessions/session-store';
import type { LoginThrottle } from '../throttle/login-throttle';
import { applyProfileChange } from './admin-routes';
import { requireOwnSession } from './authenticate';
import { invalidToken } from './challenge';
import { confirmPassword } from './confirm-password';
import type { EmailChangeNotice } from './email-change-notice';
import { ACCOUNT_GONE, callerAccount, changeAccount } from './session-account';
import { forgetLinksOnEmailChange, sendVerificationLater } from './verify-email-routes';

export interface OwnProfileOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  /** A wrong `currentPassword` is a guess like a failed login (README "Rate limits"). */
  throttle: LoginThrottle;
  /** A new email's verification mail, and the links of the old one, which die. */
  verification: Parameters<typeof sendVerificationLater>[0];
  noticeEmailChange: EmailChangeNotice;
}

/** The login names a change touches (a change of case is none): both are ways to log in, so both are the identity. */
function changedLoginNames(before: Account, after: Account): string[] {
  return [...(isSameEmail(before, after) ? [] : ['email']), ...(isSameUsername(before, after) ? [] : ['username'])];
}

const passwordNeeded = (names: string[]) =>
  badRequest(`Send "currentPassword", the account's password, to change the ${names.join(' and ')}: a token alone does not change a login name.`);

/**
 * PATCH /auth/me: one's profile, email and username. A login name changes only with the password typed again, as a
 * new password does: otherwise a stolen token would set the thief's email, and a forgot-password would do the rest.
 * Sent, it is checked even when not needed (a wrong one is never let through); it is never stored as profile.
 */
async function changeOwnProfile(options: OwnProfileOptions, req: Request, res: Response): Promise<void> {
  const { accounts, sessions, verification } = options;
  const claims = requireOwnSession(req, 'Changing the profile');
  const body = requireBody(req.body);
  const account = await callerAccount(accounts, sessions, claims);
  const names = changedLoginNames(account, applyProfileChange(account, body)); // a bad field is a 400 before the password is asked for
  const confirmed = body.currentPassword !== undefined;
  if (!confirmed && names.length > 0) throw passwordNeeded(names);
  if (confirmed) await confirmPassword(options.throttle, req, res, account, requirePassword(body, 'currentPassword'));
  const seen: { before?: Account } = {};
  const updated = await changeAccount(
    accounts,
    sessions,
    claims.sub,
    (current) => {
      // Again on the account as it is under its lock: the email may have changed since it was read above.
      const changed = applyProfileChange(current, body);
      const unconfirmed = confirmed ? [] : changedLoginNames(current, changed);
      if (unconfirmed.length > 0) throw passwordNeeded(unconfirmed);
      seen.before = current;
      return changed;
    },
    claims,
  );
  if (!updated || !seen.before) throw invalidToken(ACCOUNT_GONE);
  const emailChanged = !isSameEmail(seen.before, updated);
  if (emailChanged) {
    await forgetLinksOnEmailChange(verification.tokens, claims.sub); // before the new address's mail is made
    options.noticeEmailChange(req, seen.before, updated, 'owner');
  }
  res.json(toPublicUser(updated));
  // A new email is unverified (applyProfileChange), and gets its verification mail.
  if (emailChanged) sendVerificationLater(verification, req, () => accounts.findById(claims.sub));
}

export function makeOwnProfileRoute(options: OwnProfileOptions): Router {
  const router = express.Router();
  router.patch(
    '/auth/me',
    asyncRoute((req, res) => changeOwnProfile(options, req, res)),
  );
  return router;
}

import express, { type Request, type Router } from 'express';
import { badRequest, notFound } from '../errors';
import { parseRoleName } from '../accounts/roles';
import { isSameEmail, toPublicUser, type Account } from '../accounts/accounts-file';
import { requireUsername } from '../accounts/usernames';
import type { AccountStore } from '../accounts/account-store';
import type { SessionStore } from '../sessions/session-store';
import { requireAdmin } from './authenticate';
import { profileFields, requireBody, requireEmail, requireProfileWithinLimits } from '../accounts/fields';
import { asyncRoute } from '../http/async-route';
import { changeAccount } from './session-account';
import type { AccountTokens } from '../accounts/account-tokens';
import { forgetLinksOnEmailChange } from './verify-email-routes';
import type { EmailChangeNotice } from './email-change-notice';

/** Applies a PATCH of a profile: profile fields, email and username; never id, role or password. The result obeys the limits. */
export function applyProfileChange(account: Account, body: Record<string, unknown>): Account {
  const changed: Account = { ...account, ...profileFields(body) };
  if (body.email !== undefined) changed.email = requireEmail(body);
  // The same address in a compatibility form (a full-width letter, `ⅼ` for `l`) is no change, so it needs no
  // password; stored, it would be another string in tokens and mails. Keep the one on file; another case is kept.
  if (account.email !== undefined && isSameEmail(changed, account) && changed.email !== changed.email?.normalize('NFKC')) changed.email = account.email;
  if (body.username !== undefined) changed.username = requireUsername(body);
  // A new email is not verified, whoever changed it: nobody has followed a link sent to it (README "Email verification").
  if (!isSameEmail(changed, account)) changed.emailVerified = false;
  requireProfileWithinLimits(account, changed);
  return changed;
}

function requireRole(body: Record<string, unknown>): string {
  if (typeof body.role !== 'string') throw badRequest('"role" must be a string, like "admin" or "editor".');
  try {
    return parseRoleName(body.role);
  } catch (error) {
    throw badRequest(`"role": ${(error as Error).message}.`);
  }
}

/** What an admin's change of an account's email sets off: its mailed links die, and its old address is told. */
export interface AdminEmailChange {
  links: Pick<AccountTokens, 'forget'>;
  notice: EmailChangeNotice;
}

/** Account administration, for the admin role: list accounts, change their role or profile, delete them. */
export function makeAdminRoutes(accounts: AccountStore, sessions: SessionStore, emailChange?: AdminEmailChange): Router {
  const router = express.Router();

  const requireAdminCaller = (req: Request) => requireAdmin(req, 'Account administration');

  const noSuchAccount = (id: string) => notFound(`There is no account with id ${id}; GET /auth/users lists them.`);

  router.get(
    '/auth/users',
    asyncRoute(async (req, res) => {
      requireAdminCaller(req);
      await accounts.reloadIfChangedOnDisk();
      res.json(accounts.publicUsers());
    }),
  );

  router.patch(
    '/auth/users/:id',
    asyncRoute(async (req, res) => {
      requireAdminCaller(req);
      const body = requireBody(req.body);
      if (body.password !== undefined) throw badRequest('Passwords change through POST /auth/password, by their owner.');
      const role = body.role === undefined ? undefined : requireRole(body);
      const seen: { before?: Account } = {};
      const updated = await changeAccount(accounts, sessions, req.params.id, (account) => {
        seen.before = account;
        return { ...applyProfileChange(account, body), ...(role === undefined ? {} : { role }) };
      });
      if (!updated || !seen.before) throw noSuchAccount(req.params.id);
      if (emailChange && !isSameEmail(seen.before, updated)) {
        await forgetLinksOnEmailChange(emailChange.links, req.params.id);
        emailChange.notice(req, seen.before, updated, 'admin');
      }
      res.json(toPublicUser(updated));
    }),
  );

  router.delete(
    '/auth/users/:id',
    asyncRoute(async (req, res) => {
      requireAdminCaller(req);
      if (!(await accounts.remove(req.params.id))) throw noSuchAccount(req.params.id);
      await sessions.end({ userId: req.params.id }, 'account deleted');
      res.status(204).end();
    }),
  );

  return router;
}

import express, { type Request, type Router } from 'express';
import { badRequest, notFound } from '../errors';
import { parseRoleName } from '../accounts/roles';
import { emailKey, toPublicUser, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import type { SessionStore } from '../sessions/session-store';
import { requireAdmin } from './authenticate';
import { profileFields, requireBody, requireEmail, requireProfileWithinLimits } from '../accounts/fields';
import { asyncRoute } from '../http/async-route';
import { changeAccount } from './session-account';

/** Applies a PATCH of a profile: profile fields and email; never id, role or password. The result obeys the limits. */
export function applyProfileChange(account: Account, body: Record<string, unknown>): Account {
  const changed: Account = { ...account, ...profileFields(body) };
  if (body.email !== undefined) changed.email = requireEmail(body);
  // A new email is not verified, whoever changed it: nobody has followed a link sent to it (README "Email verification").
  if (emailKey(changed.email) !== emailKey(account.email)) changed.emailVerified = false;
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

/** Account administration, for the admin role: list accounts, change their role or profile, delete them. */
export function makeAdminRoutes(accounts: AccountStore, sessions: SessionStore): Router {
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
      const updated = await changeAccount(accounts, sessions, req.params.id, (account) => ({
        ...applyProfileChange(account, body),
        ...(role === undefined ? {} : { role }),
      }));
      if (!updated) throw noSuchAccount(req.params.id);
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

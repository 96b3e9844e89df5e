import express, { type Router } from 'express';
import type { AccountStore } from '../accounts/account-store';
import { requireBody, requirePassword } from '../accounts/fields';
import { asyncRoute } from '../http/async-route';
import type { SessionStore } from '../sessions/session-store';
import type { LoginThrottle } from '../throttle/login-throttle';
import { requireOwnSession } from './authenticate';
import { confirmPassword } from './confirm-password';
import { invalidToken } from './challenge';
import { ACCOUNT_GONE, callerAccount } from './session-account';

export interface DeleteAccountOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
}

/**
 * DELETE /auth/me { password }: the caller deletes their own account (README "Your own account"). The password,
 * not only the token, so a token left in a shared browser cannot delete anyone; checked under the login throttle.
 * Every session of the account ends. Records it owns stay, as json-server keeps them; their owner field names an id
 * no account will ever have again (account ids are not reused).
 */
export function makeDeleteAccountRoute({ accounts, sessions, throttle }: DeleteAccountOptions): Router {
  const router = express.Router();
  router.delete(
    '/auth/me',
    asyncRoute(async (req, res) => {
      const claims = requireOwnSession(req, 'Deleting the account');
      const password = requirePassword(requireBody(req.body));
      const account = await callerAccount(accounts, sessions, claims);
      await confirmPassword(throttle, req, res, account, password, '"password" is not this account\'s password: the account was not deleted.');
      if (!(await accounts.remove(claims.sub))) throw invalidToken(ACCOUNT_GONE);
      await sessions.end({ userId: claims.sub }, 'account deleted by its owner');
      res.json({
        deleted: { id: account.id, email: account.email },
        ownedRecords: 'kept',
        message: `The account was deleted and its sessions ended. Records it owned are kept, as json-server keeps them: their owner field still says ${JSON.stringify(account.id)}, an id no new account will get.`,
      });
    }),
  );
  return router;
}

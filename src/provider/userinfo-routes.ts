import express, { type Request, type Router } from 'express';
import { isEmailVerified, type Account } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import { requireAuthentication } from '../auth/authenticate';
import { invalidToken } from '../auth/challenge';
import { ACCOUNT_GONE, callerAccount } from '../auth/session-account';
import { forbidden } from '../errors';
import { asyncRoute } from '../http/async-route';
import type { SessionStore } from '../sessions/session-store';
import type { ClientRegistry } from './client-registry';
import { allowedProfileClaims } from './id-token';
import type { SessionGrants } from './token-routes';
import { USERINFO_PATH } from './paths';

export interface UserinfoRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  /** Which client each session of the token endpoint is for, and the clients list: a client's `claims` limit the answer. */
  sessionGrants?: SessionGrants;
  clients?: ClientRegistry;
}

/**
 * The account of the caller: its session's here; a trusted provider's token (--trust), the local account its
 * verified email named, read afresh. An external caller has no account here to describe.
 */
async function accountOf({ accounts, sessions }: UserinfoRoutesOptions, req: Request): Promise<Account> {
  const claims = requireAuthentication(req);
  if (!claims.trusted) return callerAccount(accounts, sessions, claims);
  if (!claims.trusted.localAccount)
    throw forbidden(`The userinfo endpoint describes accounts of this server; this token was issued by ${claims.trusted.issuer}, ask it instead.`);
  await accounts.reloadIfChangedOnDisk();
  const account = accounts.loadedById(claims.sub);
  if (!account) throw invalidToken(ACCOUNT_GONE);
  return account;
}

/**
 * OIDC Core §5.3, GET and POST with a Bearer access token: the whole profile, since access tokens do not carry
 * the scopes they were granted with. Never the password (id-token.ts profileClaims).
 */
export function makeUserinfoRoutes(options: UserinfoRoutesOptions): Router {
  const router = express.Router();
  const userinfo = asyncRoute(async (req, res) => {
    const account = await accountOf(options, req);
    const sessionId = req.auth?.sid;
    const clientId =
      sessionId === undefined ? undefined : (options.sessionGrants?.get(sessionId)?.clientId ?? options.sessions.activeSession(sessionId)?.clientId);
    const fields = options.clients?.find(clientId)?.claims;
    res.set('Cache-Control', 'no-store');
    res.json({ ...allowedProfileClaims(account, fields), sub: String(account.id), email: account.email, email_verified: isEmailVerified(account) });
  });
  router.get(USERINFO_PATH, userinfo);
  router.post(USERINFO_PATH, userinfo);
  return router;
}

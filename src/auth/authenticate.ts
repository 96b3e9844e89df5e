import { ADMIN_ROLE } from '../accounts/roles';
import type { Request } from 'express';
import { roleOf } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import type { SessionStore } from '../sessions/session-store';
import { readBearerToken } from './bearer';
import { insufficientRole, invalidToken, missingToken } from './challenge';
import { ACCOUNT_GONE, SESSION_ENDED, sessionAccount } from './session-account';
import type { AccessClaims, TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified access-token claims of the caller, once the guard or an auth route has checked them. */
    auth?: AccessClaims;
  }
}

/** The caller's verified claims; undefined when no token was sent; an `invalid_token` 401 when a bad one was. */
export type Authenticate = (req: Request) => AccessClaims | undefined;

/**
 * A token is good when its signature and claims are, its session is still on, it was not revoked one by one,
 * and the account that logged in still has its id (sessionAccount). The role is the account's current one: an admin's change takes effect on the
 * next request, not at token expiry. Every check is a map lookup.
 */
export function makeAuthenticate(tokens: TokenService, sessions: SessionStore, accounts: AccountStore): Authenticate {
  return function authenticate(req) {
    if (req.auth) return req.auth;
    const token = readBearerToken(req);
    if (token === undefined) return undefined;
    const claims = tokens.verifyAccessToken(token);
    if (sessions.isRevoked(claims.jti)) throw invalidToken('the token has been revoked');
    const session = sessions.activeSession(claims.sid);
    if (!session || session.userId !== claims.sub) throw invalidToken(SESSION_ENDED);
    const account = sessionAccount(accounts, session);
    if (!account) throw invalidToken(ACCOUNT_GONE);
    req.auth = { ...claims, role: roleOf(account) };
    return req.auth;
  };
}

/** The claims of an admin caller; a 401 without a token, a 403 (insufficient_scope) for any other role. */
export function requireAdmin(authenticate: Authenticate, req: Request, what: string): AccessClaims {
  const claims = requireAuthentication(authenticate, req);
  if (claims.role !== ADMIN_ROLE) throw insufficientRole(`${what} is for the admin role only.`);
  return claims;
}

/** The caller's claims, or the 401 that asks for a token. */
export function requireAuthentication(authenticate: Authenticate, req: Request): AccessClaims {
  const claims = authenticate(req);
  if (!claims) throw missingToken();
  return claims;
}

import express, { type Request, type Response, type Router } from 'express';
import { ApiError, badRequest } from '../errors';
import type { AccountStore } from '../accounts/account-store';
import type { SessionStore } from '../sessions/session-store';
import { requireOwnSession } from './authenticate';
import { invalidGrant } from './challenge';
import { checkCookieRequest, clearRefreshCookie, readRefreshCookie, type CookieSettings } from './cookies';
import { requireBody, requireNewPassword, requirePassword } from '../accounts/fields';
import { asyncRoute } from '../http/async-route';
import { hashPassword } from '../accounts/passwords';
import { confirmPassword } from './confirm-password';
import type { LoginThrottle } from '../throttle/login-throttle';
import type { AccountTokens } from '../accounts/account-tokens';
import { ACCOUNT_GONE, callerAccount, changeAccount, sessionAccount } from './session-account';
import type { SessionIssuer } from './session-issuer';
import { refreshSession } from './refresh-session';

export interface SessionRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  issuer: SessionIssuer;
  passwordMinLength: number;
  cookie?: CookieSettings;
  /** A wrong current password is a guess like a failed login (README "Rate limits"). */
  throttle: LoginThrottle;
  /** The mailed links' tokens: a password change kills the account's reset links. */
  resetLinks?: Pick<AccountTokens, 'forget'>;
  /** --require-verified-email: a session whose account's email is no longer verified (a new email) refreshes no more. */
  requireVerifiedEmail?: boolean;
}

/** The refresh token of a request: `refreshToken` or `refresh_token` in the body, else (cookie mode) the cookie. */
function readRefreshToken(req: Request, cookie: CookieSettings | undefined): string | undefined {
  const body = (req.body ?? {}) as Record<string, unknown>;
  for (const field of ['refreshToken', 'refresh_token']) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') throw badRequest(`"${field}" must be a string.`);
    return value;
  }
  if (!cookie) return undefined;
  const fromCookie = readRefreshCookie(req);
  if (fromCookie !== undefined) checkCookieRequest(req, cookie);
  return fromCookie;
}

const REFUSED_REFRESH = {
  unknown: 'it is not one this server issued, or it is long expired',
  // RFC 6819 §5.2.2.3: a spent token presented again means two parties hold it. The whole session has ended,
  // so the thief's copy and the victim's both stop; the victim logs in again.
  reused: 'it was already used, so the session has been ended as a precaution',
  // A repeat within --refresh-reuse-interval whose successor this process no longer holds (it restarted since).
  raced: 'another request refreshed with it a moment ago; use the refresh token that request received',
  expired: 'it has expired',
  ended: 'its session has ended',
};

/**
 * The sessions a logout names: the refresh token's (so a logout works once the access token has expired), and
 * the access token's. Both end when both are sent and differ: in --cookie mode a browser has one cookie, maybe
 * from another tab's login, and "log out" must never leave the token on show alive.
 *
 * A refresh token names its session only while it is current, its session live and its account the one that
 * logged in: an old token of an ended session, or a spent one, must never be a way to end someone's newer
 * sessions (a spent one ends its own session, as a refresh with it would: the theft signal). An unknown one
 * fails the request before anything changes.
 */
async function sessionsToEnd({ accounts, sessions, cookie }: SessionRoutesOptions, req: Request): Promise<Array<{ sessionId: string; userId: string }>> {
  const token = readRefreshToken(req, cookie);
  if (token === undefined) {
    const claims = requireOwnSession(req, 'Logging out by access token');
    return [{ sessionId: claims.sid, userId: claims.sub }];
  }
  await accounts.reloadIfChangedOnDisk();
  const presented = await sessions.present(token);
  if (presented.outcome === 'unknown') throw invalidGrant('it is not one this server issued');
  const named: Array<{ sessionId: string; userId: string }> = [];
  const { session } = presented;
  const live = presented.outcome === 'current' && sessionAccount(accounts, session) !== undefined;
  if (live) named.push({ sessionId: session.id, userId: session.userId });
  // A bad access token beside a good refresh token: the logout goes on. A trusted or service token names no session here.
  const claims = req.auth?.trusted || req.auth?.service ? undefined : req.auth;
  if (claims && !(live && claims.sid === session.id)) named.push({ sessionId: claims.sid, userId: claims.sub });
  if (named.length === 0) throw invalidGrant(presented.outcome === 'current' ? ACCOUNT_GONE : REFUSED_REFRESH[presented.outcome]);
  return named;
}

/** POST /auth/password: the current password, checked under the throttle, then the new one; the other sessions end. */
async function changePassword(options: SessionRoutesOptions, req: Request, res: Response): Promise<void> {
  const { accounts, sessions, passwordMinLength } = options;
  const claims = requireOwnSession(req, 'Changing the password');
  const body = requireBody(req.body);
  const current = requirePassword(body, 'currentPassword');
  const next = requireNewPassword(body, passwordMinLength, 'newPassword');
  const account = await callerAccount(accounts, sessions, claims);
  await confirmPassword(options.throttle, req, res, account, current);
  const hash = await hashPassword(next);
  await changeAccount(accounts, sessions, claims.sub, (changed) => ({ ...changed, password: hash }), claims);
  // Whoever else held a session (perhaps the reason for the change) is out; this one stays.
  await sessions.end({ userId: claims.sub, except: claims.sid }, 'password changed');
  await options.resetLinks?.forget(claims.sub, 'reset-password'); // a reset link mailed before works no more
  sessions.closeReuseWindow(claims.sid);
  res.status(204).end();
}

export function makeSessionRoutes(options: SessionRoutesOptions): Router {
  const { sessions, issuer, cookie } = options;
  const router = express.Router();

  router.post(
    '/auth/refresh',
    asyncRoute(async (req, res) => {
      const token = readRefreshToken(req, cookie);
      // In cookie mode a missing cookie is a session that is over (logout clears it): the 401 a client expects.
      if (token === undefined && cookie)
        throw invalidGrant('no refresh cookie came with the request (logout clears it; it is sent only to /auth, and only over https with --cookie-secure)');
      if (token === undefined) throw badRequest('Send "refreshToken" in the body.');
      // A refresh token the OpenID provider gave a client is that client's, refreshed at /auth/token as it (a
      // confidential client with its secret): here it would skip the client's authentication, grants and lifetime.
      const found = sessions.lookupRefreshToken(token);
      if (found.state !== 'unknown' && found.session.clientId !== undefined)
        throw invalidGrant(`it was issued to the OpenID client "${found.session.clientId}": refresh it at /auth/token as that client`);
      const refreshed = await refreshSession(options, token, req.get('user-agent'));
      if (refreshed.outcome === 'unverified') throw new ApiError(403, 'email_not_verified', refreshed.description);
      if (refreshed.outcome === 'account-gone') throw invalidGrant(ACCOUNT_GONE);
      if (refreshed.outcome !== 'rotated') throw invalidGrant(REFUSED_REFRESH[refreshed.outcome]);
      const { account, session, refreshToken } = refreshed;
      res.json(issuer.result(res, account, session, refreshToken));
    }),
  );

  router.post(
    '/auth/logout',
    asyncRoute(async (req, res) => {
      for (const { sessionId } of await sessionsToEnd(options, req)) await sessions.end({ sessionId }, 'logout');
      if (cookie) clearRefreshCookie(res, cookie);
      res.status(204).end();
    }),
  );

  router.post(
    '/auth/logout-all',
    asyncRoute(async (req, res) => {
      const users = new Set((await sessionsToEnd(options, req)).map(({ userId }) => userId));
      for (const userId of users) await sessions.end({ userId }, 'logout everywhere');
      if (cookie) clearRefreshCookie(res, cookie);
      res.status(204).end();
    }),
  );

  router.post(
    '/auth/password',
    asyncRoute((req, res) => changePassword(options, req, res)),
  );

  return router;
}

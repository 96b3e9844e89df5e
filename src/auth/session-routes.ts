import express, { type Request, type Router } from 'express';
import { ApiError, badRequest, forbidden } from '../errors';
import { roleOf } from '../accounts/accounts-file';
import type { AccountStore } from '../accounts/account-store';
import type { SessionStore } from '../sessions/session-store';
import { requireAdmin, requireAuthentication, type Authenticate } from './authenticate';
import { invalidGrant } from './challenge';
import { checkCookieRequest, clearRefreshCookie, readRefreshCookie, type CookieSettings } from './cookies';
import { requireBody, requireNewPassword, requirePassword } from '../accounts/fields';
import { handle } from '../http/async-route';
import { hashPassword, verifyPassword } from '../accounts/passwords';
import { looksLikeRefreshToken } from '../sessions/refresh-token';
import { ACCOUNT_GONE, callerAccount, changeAccount, sessionAccount } from './session-account';
import { catchUpForToken } from './sessions-from-token-command';
import type { SessionIssuer } from './session-issuer';
import type { AccessClaims, TokenService } from './tokens';

export interface SessionRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  tokens: TokenService;
  issuer: SessionIssuer;
  authenticate: Authenticate;
  passwordMinLength: number;
  cookie?: CookieSettings;
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
  raced: 'another request refreshed with it a moment ago; use the refresh token that request received',
  expired: 'it has expired',
  ended: 'its session has ended',
};

export function makeSessionRoutes(options: SessionRoutesOptions): Router {
  const { accounts, sessions, tokens, issuer, authenticate, passwordMinLength, cookie } = options;
  const router = express.Router();

  router.post(
    '/auth/refresh',
    handle(async (req, res) => {
      const token = readRefreshToken(req, cookie);
      // In cookie mode a missing cookie is a session that is over (logout clears it): the 401 a client expects.
      if (token === undefined && cookie) throw invalidGrant('no refresh cookie came with the request (logout clears it; it is sent only to /auth, and only over https with --cookie-secure)');
      if (token === undefined) throw badRequest('Send "refreshToken" in the body.');
      // Read users.json first: between looking the token up and spending it nothing may wait (see rotate).
      await accounts.reloadIfChangedOnDisk();
      const rotation = await sessions.rotate(token);
      if (rotation.outcome !== 'rotated') throw invalidGrant(REFUSED_REFRESH[rotation.outcome]);
      const { session, refreshToken } = rotation;
      const account = sessionAccount(accounts, session);
      if (!account) {
        await sessions.end({ sessionId: session.id }, 'account deleted or replaced');
        throw invalidGrant(ACCOUNT_GONE);
      }
      res.json(issuer.result(res, account, session, refreshToken));
    }),
  );

  /** The caller's claims when a good access token came along; undefined when none did, or a bad one. */
  function claimsIfGood(req: Request): AccessClaims | undefined {
    try {
      return authenticate(req);
    } catch {
      return undefined;
    }
  }

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
  async function sessionsToEnd(req: Request): Promise<Array<{ sessionId: string; userId: string }>> {
    const token = readRefreshToken(req, cookie);
    if (token === undefined) {
      const claims = requireAuthentication(authenticate, req);
      return [{ sessionId: claims.sid, userId: claims.sub }];
    }
    await accounts.reloadIfChangedOnDisk();
    const presented = await sessions.present(token);
    if (presented.outcome === 'unknown') throw invalidGrant('it is not one this server issued');
    const named: Array<{ sessionId: string; userId: string }> = [];
    const { session } = presented;
    const live = presented.outcome === 'current' && sessionAccount(accounts, session) !== undefined;
    if (live) named.push({ sessionId: session.id, userId: session.userId });
    const claims = claimsIfGood(req);
    if (claims && !(live && claims.sid === session.id)) named.push({ sessionId: claims.sid, userId: claims.sub });
    if (named.length === 0) throw invalidGrant(presented.outcome === 'current' ? ACCOUNT_GONE : REFUSED_REFRESH[presented.outcome]);
    return named;
  }

  router.post(
    '/auth/logout',
    handle(async (req, res) => {
      for (const { sessionId } of await sessionsToEnd(req)) await sessions.end({ sessionId }, 'logout');
      if (cookie) clearRefreshCookie(res, cookie);
      res.status(204).end();
    }),
  );

  router.post(
    '/auth/logout-all',
    handle(async (req, res) => {
      const users = new Set((await sessionsToEnd(req)).map(({ userId }) => userId));
      for (const userId of users) await sessions.end({ userId }, 'logout everywhere');
      if (cookie) clearRefreshCookie(res, cookie);
      res.status(204).end();
    }),
  );

  router.post(
    '/auth/password',
    handle(async (req, res) => {
      const claims = requireAuthentication(authenticate, req);
      const body = requireBody(req.body);
      const current = requirePassword(body, 'currentPassword');
      const next = requireNewPassword(body, passwordMinLength, 'newPassword');
      const account = await callerAccount(accounts, sessions, claims);
      // Not a 401: the token is good, and a client that treats 401 as "log in again" would drop the user.
      if (!(await verifyPassword(current, account.password))) throw forbidden('"currentPassword" is not this account\'s password.');
      const hash = await hashPassword(next);
      await changeAccount(accounts, sessions, claims.sub, (changed) => ({ ...changed, password: hash }), claims);
      // Whoever else held a session (perhaps the reason for the change) is out; this one stays.
      await sessions.end({ userId: claims.sub, except: claims.sid }, 'password changed');
      res.status(204).end();
    }),
  );

  /** The access token's claims when it is one of ours and still good, else undefined (never a 401 here). */
  async function activeAccessClaims(token: string): Promise<AccessClaims | undefined> {
    await catchUpForToken(tokens, sessions, token); // it may be a session `fake-jwt-api token` started
    try {
      const claims = tokens.verifyAccessToken(token);
      const session = sessions.activeSession(claims.sid);
      const live = session !== undefined && !sessions.isRevoked(claims.jti) && sessionAccount(accounts, session) !== undefined;
      return live ? claims : undefined;
    } catch (error) {
      if (error instanceof ApiError) return undefined;
      throw error;
    }
  }

  function tokenParameter(req: Request): string {
    const body = requireBody(req.body);
    const token = body.token;
    if (typeof token !== 'string' || token === '') throw badRequest('"token" is required (RFC 7009 / RFC 7662).');
    return token;
  }

  // RFC 7009: holding the token is enough, and the answer is 200 whether or not it was known.
  router.post(
    '/auth/revoke',
    handle(async (req, res) => {
      const token = tokenParameter(req);
      if (looksLikeRefreshToken(token)) {
        // §2.1: revoking a refresh token also invalidates the access tokens of the same grant: its own session,
        // never another (a spent token has ended its session already, as a refresh with it would).
        const presented = await sessions.present(token);
        if (presented.outcome === 'current') await sessions.end({ sessionId: presented.session.id }, 'refresh token revoked');
      } else {
        const claims = await activeAccessClaims(token);
        if (claims) await sessions.revokeAccessToken(claims.jti, claims.exp);
      }
      res.status(200).json({});
    }),
  );

  // RFC 7662, for admins: what a token is and whether it is active.
  router.post(
    '/auth/introspect',
    handle(async (req, res) => {
      requireAdmin(authenticate, req, 'Token introspection');
      const token = tokenParameter(req);
      if (looksLikeRefreshToken(token)) {
        const found = sessions.lookupRefreshToken(token);
        if (found.state !== 'current' || !sessions.isRefreshable(found.session) || !sessionAccount(accounts, found.session)) return void res.json({ active: false });
        const { session } = found;
        res.json({ active: true, token_type: 'refresh_token', sub: session.userId, sid: session.id, iat: Math.floor(session.createdAt / 1000), exp: Math.floor(session.refreshExpiresAt / 1000) });
        return;
      }
      const claims = await activeAccessClaims(token);
      if (!claims) return void res.json({ active: false });
      const account = accounts.loadedById(claims.sub);
      res.json({ active: true, token_type: 'access_token', ...claims, role: account ? roleOf(account) : claims.role, username: claims.email });
    }),
  );

  return router;
}

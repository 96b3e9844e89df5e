import express, { type Request, type Router } from 'express';
import { ADMIN_ROLE } from '../access/guard';
import { ApiError, badRequest } from '../errors';
import { roleOf } from '../store/accounts-file';
import type { AccountStore } from '../store/account-store';
import type { Session, SessionStore } from '../store/sessions';
import { requireAuthentication, type Authenticate } from './authenticate';
import { insufficientRole, invalidCredentials, invalidGrant } from './challenge';
import { checkCookieRequest, clearRefreshCookie, readRefreshCookie, type CookieSettings } from './cookies';
import { requireBody, requireNewPassword, requirePassword } from './fields';
import { handle } from './handle';
import { hashPassword, verifyPassword } from './passwords';
import { looksLikeRefreshToken } from './refresh-token';
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

export function makeSessionRoutes(options: SessionRoutesOptions): Router {
  const { accounts, sessions, tokens, issuer, authenticate, passwordMinLength, cookie } = options;
  const router = express.Router();

  /** The session a refresh token belongs to; a spent token ends its session (someone replayed a copy). */
  async function sessionOfRefreshToken(token: string): Promise<Session> {
    const found = sessions.lookupRefreshToken(token);
    if (found.state === 'unknown') throw invalidGrant('it is not one this server issued, or it is long expired');
    if (found.state === 'spent') {
      // RFC 6819 §5.2.2.3: a spent token presented again means two parties hold it. End the whole session,
      // so the thief's copy and the victim's both stop; the victim logs in again.
      await sessions.end({ sessionId: found.session.id }, 'a spent refresh token was presented again');
      throw invalidGrant('it was already used, so the session has been ended as a precaution');
    }
    return found.session;
  }

  router.post(
    '/auth/refresh',
    handle(async (req, res) => {
      const token = readRefreshToken(req, cookie);
      if (token === undefined) throw badRequest(cookie ? 'No refresh token: send "refreshToken" in the body, or the refresh cookie.' : 'Send "refreshToken" in the body.');
      const session = await sessionOfRefreshToken(token);
      if (!sessions.isRefreshable(session)) {
        throw invalidGrant(sessions.isActive(session.id) ? 'it has expired' : 'its session has ended');
      }
      await accounts.refresh();
      const account = accounts.byId(session.userId);
      if (!account) {
        await sessions.end({ sessionId: session.id }, 'the account was deleted');
        throw invalidGrant('the account no longer exists');
      }
      res.json(issuer.result(res, account, session, await sessions.rotate(session)));
    }),
  );

  router.post(
    '/auth/logout',
    handle(async (req, res) => {
      const claims = authenticate(req);
      const token = readRefreshToken(req, cookie);
      if (!claims && token === undefined) throw invalidGrant('send the access token (Authorization: Bearer) or "refreshToken" to say which session to end');
      if (claims) await sessions.end({ sessionId: claims.sid }, 'logout');
      if (token !== undefined) {
        const found = sessions.lookupRefreshToken(token);
        if (found.state === 'unknown') throw invalidGrant('it is not one this server issued');
        await sessions.end({ sessionId: found.session.id }, 'logout');
      }
      if (cookie) clearRefreshCookie(res, cookie);
      res.status(204).end();
    }),
  );

  router.post(
    '/auth/logout-all',
    handle(async (req, res) => {
      const claims = requireAuthentication(authenticate, req);
      await sessions.end({ userId: claims.sub }, 'logout everywhere');
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
      await accounts.refresh();
      const account = accounts.byId(claims.sub);
      if (!account || !(await verifyPassword(current, account.password))) throw invalidCredentials();
      const hash = await hashPassword(next);
      await accounts.update(claims.sub, (changed) => ({ ...changed, password: hash }));
      // Whoever else held a session (perhaps the reason for the change) is out; this one stays.
      await sessions.end({ userId: claims.sub, except: claims.sid }, 'password changed');
      res.status(204).end();
    }),
  );

  /** The access token's claims when it is one of ours and still good, else undefined (never a 401 here). */
  function activeAccessClaims(token: string): AccessClaims | undefined {
    try {
      const claims = tokens.verifyAccessToken(token);
      const live = sessions.isActive(claims.sid) && !sessions.isRevoked(claims.jti) && accounts.byId(claims.sub) !== undefined;
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
        const found = sessions.lookupRefreshToken(token);
        // §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
        if (found.state !== 'unknown') await sessions.end({ sessionId: found.session.id }, 'refresh token revoked');
      } else {
        const claims = activeAccessClaims(token);
        if (claims) await sessions.revokeAccessToken(claims.jti, claims.exp);
      }
      res.status(200).end();
    }),
  );

  // RFC 7662, for admins: what a token is and whether it is active.
  router.post(
    '/auth/introspect',
    handle(async (req, res) => {
      const caller = requireAuthentication(authenticate, req);
      if (caller.role !== ADMIN_ROLE) throw insufficientRole('Token introspection is for the admin role only.');
      const token = tokenParameter(req);
      if (looksLikeRefreshToken(token)) {
        const found = sessions.lookupRefreshToken(token);
        if (found.state !== 'current' || !sessions.isRefreshable(found.session)) return void res.json({ active: false });
        const { session } = found;
        res.json({ active: true, token_type: 'refresh_token', sub: session.userId, sid: session.id, iat: Math.floor(session.createdAt / 1000), exp: Math.floor(session.refreshExpiresAt / 1000) });
        return;
      }
      const claims = activeAccessClaims(token);
      if (!claims) return void res.json({ active: false });
      const account = accounts.byId(claims.sub);
      res.json({ active: true, token_type: 'access_token', ...claims, role: account ? roleOf(account) : claims.role, username: claims.email });
    }),
  );

  return router;
}

import express, { type Request, type Router } from 'express';
import { badRequest } from '../errors';
import type { AccountStore } from '../accounts/account-store';
import { requireBody } from '../accounts/fields';
import { asyncRoute } from '../http/async-route';
import { looksLikeRefreshToken } from '../sessions/refresh-token';
import type { SessionStore } from '../sessions/session-store';
import { requireAdmin, type Authenticator } from './authenticate';
import { sessionAccount } from './session-account';

export interface TokenRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  /** Tells whether a token in a request's body is good; the caller's own was checked once, before. */
  authenticator: Pick<Authenticator, 'activeClaims'>;
}

/** Revocation (RFC 7009) and introspection (RFC 7662) of a token given in the body, access or refresh. */
export function makeTokenRoutes({ accounts, sessions, authenticator }: TokenRoutesOptions): Router {
  const router = express.Router();

  function tokenParameter(req: Request): string {
    const body = requireBody(req.body);
    const token = body.token;
    if (typeof token !== 'string' || token === '') throw badRequest('"token" is required (RFC 7009 / RFC 7662).');
    return token;
  }

  // RFC 7009: holding the token is enough, and the answer is 200 whether or not it was known.
  router.post(
    '/auth/revoke',
    asyncRoute(async (req, res) => {
      const token = tokenParameter(req);
      if (looksLikeRefreshToken(token)) {
        // §2.1: revoking a refresh token also invalidates the access tokens of the same grant: its own session,
        // never another (a spent token has ended its session already, as a refresh with it would).
        const presented = await sessions.present(token);
        if (presented.outcome === 'current') await sessions.end({ sessionId: presented.session.id }, 'refresh token revoked');
      } else {
        const claims = await authenticator.activeClaims(token);
        if (claims) await sessions.revokeAccessToken(claims.jti, claims.exp);
      }
      res.status(200).json({});
    }),
  );

  // RFC 7662, for admins: what a token is and whether it is active.
  router.post(
    '/auth/introspect',
    asyncRoute(async (req, res) => {
      requireAdmin(req, 'Token introspection');
      const token = tokenParameter(req);
      if (looksLikeRefreshToken(token)) {
        const found = sessions.lookupRefreshToken(token);
        if (found.state !== 'current' || !sessions.isRefreshable(found.session) || !sessionAccount(accounts, found.session))
          return void res.json({ active: false });
        const { session } = found;
        res.json({
          active: true,
          token_type: 'refresh_token',
          sub: session.userId,
          sid: session.id,
          iat: Math.floor(session.createdAt / 1000),
          exp: Math.floor(session.refreshExpiresAt / 1000),
        });
        return;
      }
      const claims = await authenticator.activeClaims(token);
      if (!claims) return void res.json({ active: false });
      // activeClaims carries the account's current role, as every authenticated request sees it. The claims go first:
      // a custom claim (README "Custom claims") named like a member of RFC 7662 §2.2, `active` say, never replaces it.
      res.json({ ...claims, active: true, token_type: 'access_token', username: claims.email });
    }),
  );

  return router;
}

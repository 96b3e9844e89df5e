import type { KeyObject } from 'node:crypto';
import type { Router } from 'express';
import { makeAuthenticator, type Authenticator } from '../auth/authenticate';
import type { CookieSettings } from '../auth/cookies';
import { makeDecoyFor } from '../auth/decoys';
import { makeAuthRoutes } from '../auth/routes';
import { makeSessionIssuer } from '../auth/session-issuer';
import { makeTokenService, SIGNING_ALGORITHM } from '../auth/tokens';
import type { ResolvedOptions } from '../config/options';
import type { Stores } from './stores';

export interface AuthParts {
  /** Authenticates each request once (into req.auth), early; see auth/authenticate.ts. */
  authenticator: Authenticator;
  /** --cookie: the refresh token travels in an HttpOnly cookie. */
  cookie: CookieSettings | undefined;
  /** /auth/* and json-server-auth's aliases (/login, /register, POST /users where it registers). */
  routes: Router;
}

/** Tokens signed with the start's key, the sessions they belong to, and the routes that hand them out. */
export function makeAuth(options: ResolvedOptions, { accounts, sessions, database }: Stores, key: KeyObject): AuthParts {
  const { issuer: tokenIssuer, audience, accessTtlSeconds, now } = options;
  const tokens = makeTokenService({ key, algorithm: SIGNING_ALGORITHM, issuer: tokenIssuer, audience, accessTtlSeconds, now });
  const authenticator = makeAuthenticator(tokens, sessions, accounts);
  const cookie: CookieSettings | undefined = options.cookie
    ? { secure: options.cookieSecure, sameSite: options.cookieSameSite, allowedOrigins: options.corsOrigins }
    : undefined;
  const issuer = makeSessionIssuer({ tokens, sessions, cookie, singleSession: options.singleSession, now });
  const routes = makeAuthRoutes({
    accounts,
    sessions,
    issuer,
    cookie,
    authenticator,
    passwordMinLength: options.passwordMinLength,
    defaultRole: options.defaultRole,
    decoyFor: makeDecoyFor(key, () => accounts.snapshot()),
    registerAtUsers: database.accountsCollection,
  });
  return { authenticator, cookie, routes };
}

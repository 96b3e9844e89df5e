import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { noRouteError } from '../http/errors';
import { DEFAULT_ROLE, roleOf, toPublicUser, type Account } from '../store/accounts-file';
import { emailTaken, type AccountStore } from '../store/account-store';
import { invalidCredentials, invalidToken } from './challenge';
import { requireAuthentication, type Authenticate } from './authenticate';
import { profileFields, requireBody, requireEmail, requireNewPassword, requirePassword, requireString } from './fields';
import { applyProfileChange, makeAdminRoutes } from './admin-routes';
import { handle } from './handle';
import { hashPassword, verifyPassword } from './passwords';
import type { TokenService } from './tokens';

export interface AuthRoutesOptions {
  accounts: AccountStore;
  tokens: TokenService;
  authenticate: Authenticate;
  passwordMinLength: number;
  /** A hash of a random password, checked when the email is unknown so both failures take about as long. */
  decoyHash: string;
  /** True when `users` is the collection of account profiles: then POST /users registers, as in json-server-auth. */
  registerAtUsers: boolean;
}

/** The paths json-server-auth clients post to, kept so they work unchanged. */
export const REGISTER_PATHS = ['/auth/register', '/register', '/signup'];
export const LOGIN_PATHS = ['/auth/login', '/login', '/signin'];

export function makeAuthRoutes(options: AuthRoutesOptions): Router {
  const { accounts, tokens, authenticate, passwordMinLength, decoyHash, registerAtUsers } = options;
  const router = express.Router();

  function authResult(account: Account) {
    // Each login starts a session; the id travels in the token's `sid` claim.
    const issued = tokens.issueAccessToken({ id: account.id, email: account.email, role: roleOf(account) }, randomUUID());
    return { accessToken: issued.token, tokenType: 'Bearer', expiresIn: issued.expiresIn, user: toPublicUser(account) };
  }

  const register = handle(async (req, res) => {
    const body = requireBody(req.body);
    const email = requireEmail(body);
    const password = requireNewPassword(body, passwordMinLength);
    const profile = profileFields(body);
    // Answer a taken email before spending a hash on it; create() checks again under its lock.
    if (await accounts.findByEmail(email)) throw emailTaken(email);
    const account = await accounts.create({ email, role: DEFAULT_ROLE, ...profile }, await hashPassword(password));
    res.status(201).json(authResult(account));
  });

  const login = handle(async (req, res) => {
    const body = requireBody(req.body);
    const email = requireString(body, 'email');
    const password = requirePassword(body);
    const account = await accounts.findByEmail(email);
    const matches = await verifyPassword(password, account?.password ?? decoyHash);
    if (!account || !matches) throw invalidCredentials();
    res.json(authResult(account));
  });

  const me = handle(async (req, res) => {
    const claims = requireAuthentication(authenticate, req);
    const account = await accounts.findById(claims.sub);
    if (!account) throw invalidToken('the account no longer exists');
    res.json(toPublicUser(account));
  });

  const updateMe = handle(async (req, res) => {
    const claims = requireAuthentication(authenticate, req);
    const body = requireBody(req.body);
    const updated = await accounts.update(claims.sub, (account) => applyProfileChange(account, body));
    if (!updated) throw invalidToken('the account no longer exists');
    res.json(toPublicUser(updated));
  });

  router.post(registerAtUsers ? [...REGISTER_PATHS, '/users'] : REGISTER_PATHS, register);
  router.post(LOGIN_PATHS, login);
  router.get('/auth/me', me);
  router.patch('/auth/me', updateMe);
  router.use(makeAdminRoutes(accounts, authenticate));
  // Anything else under /auth is ours too, and does not exist: never let it fall through to json-server.
  router.all(['/auth', '/auth/*'], (req, _res, next) => next(noRouteError(req)));
  return router;
}

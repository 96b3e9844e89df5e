import express, { type Router } from 'express';
import { ApiError, badRequest } from '../errors';
import { toPublicUser, type Account } from '../accounts/accounts-file';
import { emailTaken, usernameTaken, type AccountStore } from '../accounts/account-store';
import { profileFields, requireBody, requireEmail, requireNewPassword, requirePassword } from '../accounts/fields';
import { requireUsername } from '../accounts/usernames';
import { hashPassword, verifyPassword } from '../accounts/passwords';
import { asyncRoute } from '../http/async-route';
import { throttledCheck } from '../throttle/attempts';
import type { LoginThrottle } from '../throttle/login-throttle';
import { invalidCredentials } from './challenge';
import type { DecoyFor } from './decoys';
import { LOGIN_PATHS, REGISTER_PATHS } from './endpoints';
import { findByIdentifier, identifierText, loginAttempt, readLoginIdentifier, type LoginField } from './login-identifier';
import type { SessionIssuer } from './session-issuer';
import { refusedAsUnverified, unverifiedMessage } from './unverified-refusal';

export interface LoginRoutesOptions {
  accounts: AccountStore;
  issuer: SessionIssuer;
  passwordMinLength: number;
  /** The role a self-registered account gets (--default-role); the caller never chooses it. */
  defaultRole: string;
  /** The hash checked when the name is unknown, so both failures take as long (decoys.ts). */
  decoyFor: DecoyFor;
  /** True when `users` is the collection of account profiles: then POST /users registers, as in json-server-auth. */
  registerAtUsers: boolean;
  /** Counts failed logins and makes a guesser wait (README "Rate limits"). */
  throttle: LoginThrottle;
  /** --login-field: the identifier a registration must give (README "Login by username"). */
  loginField: LoginField;
  /** --require-verified-email: an account whose email is not verified cannot log in (and so must give one). */
  requireVerifiedEmail: boolean;
  /** Mails the new account its verification link, after the answer (verify-email-routes.ts). */
  sendVerification: (req: express.Request, account: Account) => void;
  /**
   * --allow-client-ttl: a login's `expiresIn` is read as the flags' durations are (config/duration.ts, given from
   * the app, which auth/ may not import), up to `maxSeconds` (--access-ttl). Absent: a login sending one is refused.
   */
  clientTtl?: { maxSeconds: number; parseDuration: (value: string | number) => number | undefined };
}

/**
 * The login names a registration sets: the --login-field one is required, the other one optional, and an email
 * always required under --require-verified-email (an account without one could never log in).
 */
function newAccountNames(body: Record<string, unknown>, { loginField, requireVerifiedEmail }: LoginRoutesOptions): Pick<Account, 'email' | 'username'> {
  const wantsEmail = loginField === 'email' || requireVerifiedEmail || (body.email !== undefined && body.email !== null && body.email !== '');
  const wantsUsername = loginField === 'username' || (body.username !== undefined && body.username !== null && body.username !== '');
  return { ...(wantsEmail ? { email: requireEmail(body) } : {}), ...(wantsUsername ? { username: requireUsername(body) } : {}) };
}

/**
 * The access-token lifetime a login asks for its session, in seconds (`"expiresIn": "30s"`, `"2m"` or `30`), or
 * undefined when it asks none (README "A shorter lifetime per login"). Refused, never ignored, without --allow-client-ttl: a teacher
 * would wait for an expiry that comes an hour later.
 */
function requestedLifetime(body: Record<string, unknown>, { clientTtl }: LoginRoutesOptions): number | undefined {
  const asked = body.expiresIn;
  if (asked === undefined) return undefined;
  if (!clientTtl) throw badRequest('"expiresIn" is honoured only when the server is started with --allow-client-ttl; leave it out to get --access-ttl tokens.');
  const seconds = typeof asked === 'string' || typeof asked === 'number' ? clientTtl.parseDuration(asked) : undefined;
  if (seconds === undefined) throw badRequest('"expiresIn" must be a duration like "30s" or "2m", or a whole number of seconds (at least 1).');
  if (seconds > clientTtl.maxSeconds) throw badRequest(`"expiresIn" may be at most ${clientTtl.maxSeconds} seconds, this server's --access-ttl.`);
  return seconds;
}

/** POST /auth/register and /auth/login (and json-server-auth's paths for them). */
export function makeLoginRoutes(options: LoginRoutesOptions): Router {
  const { accounts, issuer, passwordMinLength, defaultRole, decoyFor, registerAtUsers } = options;
  const router = express.Router();

  const register = asyncRoute(async (req, res) => {
    const body = requireBody(req.body);
    const names = newAccountNames(body, options);
    const password = requireNewPassword(body, passwordMinLength);
    // `expiresIn` is a login's request (--allow-client-ttl), not a profile field: a registration copying the login's body keeps none.
    const { expiresIn: _request, ...profile } = profileFields(body);
    // Answer a taken name before spending a hash on it; create() checks again under its lock.
    if (names.email !== undefined && (await accounts.findByEmail(names.email))) throw emailTaken(names.email);
    if (names.username !== undefined && (await accounts.findByUsername(names.username))) throw usernameTaken(names.username);
    // profileFields never carries a role (accounts/fields.ts): the role is the server's to give.
    // Unverified until its link is followed (README "Email verification"); the mail goes after the answer.
    const verification = names.email === undefined ? {} : { emailVerified: false };
    const account = await accounts.create({ ...names, role: defaultRole, ...profile, ...verification }, await hashPassword(password));
    if (options.requireVerifiedEmail) {
      options.sendVerification(req, account);
      return void res.status(201).json({ user: toPublicUser(account), message: unverifiedMessage(account) });
    }
    res.status(201).json(await issuer.startSession(res, account));
    if (account.email !== undefined) options.sendVerification(req, account);
  });

  const login = asyncRoute(async (req, res) => {
    const body = requireBody(req.body);
    const identifier = readLoginIdentifier(body, options.loginField);
    const password = requirePassword(body);
    const lifetime = requestedLifetime(body, options); // a 400 before any password is checked or counted
    // The account first (in memory), so a guess counts against it whichever of its names is typed.
    const found = await findByIdentifier(accounts, identifier);
    // Before the password is looked at: during a wait even the right one is refused, or the limit would confirm guesses.
    const matches = await throttledCheck(options.throttle, res, loginAttempt(req, found ?? identifier), async () => {
      // An unknown name costs what a wrong password costs (decoys.ts), and counts as one.
      return (await verifyPassword(password, found?.password ?? decoyFor(identifierText(identifier)))) && found !== undefined;
    });
    if (!found || !matches) throw invalidCredentials(identifier.email === undefined ? 'username' : 'email');
    const unverified = refusedAsUnverified(found, options.requireVerifiedEmail);
    if (unverified) throw new ApiError(403, 'email_not_verified', unverified);
    res.json(await issuer.startSession(res, found, lifetime));
  });

  router.post(registerAtUsers ? [...REGISTER_PATHS, '/users'] : REGISTER_PATHS, register);
  router.post(LOGIN_PATHS, login);
  return router;
}

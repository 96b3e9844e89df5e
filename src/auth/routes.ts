import express, { type Request, type Response, type Router } from 'express';
import { noRouteError } from '../http/errors';
import { emailKey, isEmailVerified, toPublicUser, type Account } from '../accounts/accounts-file';
import type { SessionStore } from '../sessions/session-store';
import { emailTaken, type AccountStore } from '../accounts/account-store';
import { invalidCredentials, invalidToken } from './challenge';
import { requireAuthentication, requireOwnSession, type Authenticator } from './authenticate';
import { profileFields, requireBody, requireEmail, requireNewPassword, requirePassword, requireString } from '../accounts/fields';
import { LOGIN_PATHS, REGISTER_PATHS } from './endpoints';
import { applyProfileChange, makeAdminRoutes } from './admin-routes';
import type { DecoyFor } from './decoys';
import { asyncRoute } from '../http/async-route';
import { hashPassword, verifyPassword } from '../accounts/passwords';
import { makeCookieRequestCheck, type CookieSettings } from './cookies';
import type { SessionIssuer } from './session-issuer';
import { ACCOUNT_GONE, callerAccount, changeAccount } from './session-account';
import { makeSessionListRoutes } from './session-list-routes';
import { makeSessionRoutes } from './session-routes';
import { makePasswordResetRoutes, type PasswordResetOptions } from './password-reset-routes';
import { makeTokenRoutes } from './token-routes';
import { makeVerifyEmailRoutes, sendVerificationLater } from './verify-email-routes';
import { RESEND_VERIFICATION_PATH } from './account-paths';
import { ApiError } from '../errors';
import { makeDeleteAccountRoute } from './delete-account-route';
import { trustedProfile } from './trust/trusted-caller';
import { attemptAt, throttledCheck } from '../throttle/attempts';
import type { LoginThrottle } from '../throttle/login-throttle';

export interface AuthRoutesOptions {
  accounts: AccountStore;
  sessions: SessionStore;
  issuer: SessionIssuer;
  cookie?: CookieSettings;
  /** Tells whether a token in a request's body (revoke, introspect) is good; the caller's own was checked once, before. */
  authenticator: Pick<Authenticator, 'activeClaims'>;
  passwordMinLength: number;
  /** The role a self-registered account gets (--default-role); the caller never chooses it. */
  defaultRole: string;
  /** The hash checked when the email is unknown, so both failures take as long (decoys.ts). */
  decoyFor: DecoyFor;
  /** True when `users` is the collection of account profiles: then POST /users registers, as in json-server-auth. */
  registerAtUsers: boolean;
  /** Counts failed logins and makes a guesser wait (README "Rate limits"). */
  throttle: LoginThrottle;
  /** Forgot and reset password, email verification: the mailed links' tokens, the outbox, the reset link. */
  accountFlows: Omit<PasswordResetOptions, 'accounts' | 'sessions' | 'throttle' | 'passwordMinLength'> & {
    /** --require-verified-email: an account whose email is not verified cannot log in. */
    requireVerifiedEmail: boolean;
    /** Counts the mail requests (forgot, resend) per email and address, apart from failed logins. */
    mailThrottle: LoginThrottle;
  };
}

/** PATCH /auth/me: one's profile and email; a new email is unverified and gets its verification mail. */
async function changeOwnProfile(options: AuthRoutesOptions, flows: Parameters<typeof sendVerificationLater>[0], req: Request, res: Response): Promise<void> {
  const { accounts, sessions } = options;
  const claims = requireOwnSession(req, 'Changing the profile');
  const body = requireBody(req.body);
  let emailChanged = false;
  const updated = await changeAccount(
    accounts,
    sessions,
    claims.sub,
    (account) => {
      // A new email is unverified (applyProfileChange), and gets its verification mail below.
      const changed = applyProfileChange(account, body);
      emailChanged = emailKey(changed.email) !== emailKey(account.email);
      return changed;
    },
    claims,
  );
  if (!updated) throw invalidToken(ACCOUNT_GONE);
  res.json(toPublicUser(updated));
  if (emailChanged) sendVerificationLater(flows, req, () => accounts.findById(claims.sub));
}

export function makeAuthRoutes(options: AuthRoutesOptions): Router {
  const { accounts, sessions, issuer, passwordMinLength, defaultRole, decoyFor, registerAtUsers } = options;
  const router = express.Router();
  const flows = { ...options.accountFlows, accounts, sessions, throttle: options.accountFlows.mailThrottle };

  const register = asyncRoute(async (req, res) => {
    const body = requireBody(req.body);
    const email = requireEmail(body);
    const password = requireNewPassword(body, passwordMinLength);
    const profile = profileFields(body);
    // Answer a taken email before spending a hash on it; create() checks again under its lock.
    if (await accounts.findByEmail(email)) throw emailTaken(email);
    // profileFields never carries a role (auth/fields.ts): the role is the server's to give.
    // Unverified until its link is followed (README "Email verification"); the mail goes after the answer.
    const account = await accounts.create({ email, role: defaultRole, ...profile, emailVerified: false }, await hashPassword(password));
    if (options.accountFlows.requireVerifiedEmail) {
      sendVerificationLater(flows, req, () => accounts.findById(String(account.id)));
      return void res.status(201).json({ user: toPublicUser(account), message: unverifiedMessage(account.email) });
    }
    res.status(201).json(await issuer.startSession(res, account));
    sendVerificationLater(flows, req, () => accounts.findById(String(account.id)));
  });

  const login = asyncRoute(async (req, res) => {
    const body = requireBody(req.body);
    const email = requireString(body, 'email');
    const password = requirePassword(body);
    // Before the password is looked at: during a wait even the right one is refused, or the limit would confirm guesses.
    let account: Account | undefined;
    const matches = await throttledCheck(options.throttle, res, attemptAt('login', emailKey(email), req), async () => {
      account = await accounts.findByEmail(email);
      // An unknown email costs what a wrong password costs (decoys.ts), and counts as one.
      return (await verifyPassword(password, account?.password ?? decoyFor(email))) && account !== undefined;
    });
    if (!account || !matches) throw invalidCredentials();
    if (options.accountFlows.requireVerifiedEmail && !isEmailVerified(account)) throw new ApiError(403, 'email_not_verified', unverifiedMessage(account.email));
    res.json(await issuer.startSession(res, account));
  });

  const me = asyncRoute(async (req, res) => {
    const claims = requireAuthentication(req);
    await accounts.reloadIfChangedOnDisk();
    res.json(claims.trusted ? trustedProfile(accounts, claims) : toPublicUser(await callerAccount(accounts, sessions, claims)));
  });

  const updateMe = asyncRoute((req, res) => changeOwnProfile(options, flows, req, res));

  router.use(makeSessionListRoutes(options)); // first: it notes every request of a live session, for "last used"
  router.post([...LOGIN_PATHS, ...REGISTER_PATHS, ...(registerAtUsers ? ['/users'] : [])], makeCookieRequestCheck(options.cookie));
  router.post(registerAtUsers ? [...REGISTER_PATHS, '/users'] : REGISTER_PATHS, register);
  router.post(LOGIN_PATHS, login);
  router.get('/auth/me', me);
  router.patch('/auth/me', updateMe);
  router.use(makeDeleteAccountRoute({ accounts, sessions, throttle: options.throttle }));
  router.use(makeSessionRoutes({ ...options, resetLinks: options.accountFlows.tokens, requireVerifiedEmail: options.accountFlows.requireVerifiedEmail }));
  router.use(makeTokenRoutes(options));
  router.use(makeAdminRoutes(accounts, sessions));
  router.use(makePasswordResetRoutes({ ...flows, passwordMinLength }));
  router.use(makeVerifyEmailRoutes(flows));
  // Anything else under /auth is ours too, and does not exist: never let it fall through to json-server.
  router.all(['/auth', '/auth/*'], (req, _res, next) => next(noRouteError(req)));
  return router;
}

/** What a login of an unverified account is told under --require-verified-email, and how to get another link. */
function unverifiedMessage(email: string): string {
  return `The email ${email} is not verified yet: follow the link in the mail sent to it (POST ${RESEND_VERIFICATION_PATH} { "email": "${email}" } sends another).`;
}
